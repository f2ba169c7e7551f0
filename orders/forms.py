"""Forms of the shop's cart and checkout. None of them accepts a price."""

from __future__ import annotations

from django import forms
from django_countries import countries

from orders.cart import MAX_QUANTITY
from orders.selectors import shipping_rate_for


class AddToCartForm(forms.Form):
    design = forms.UUIDField(error_messages={"invalid": "That is not one of your designs."})
    quantity = forms.IntegerField(min_value=1, max_value=MAX_QUANTITY, initial=1)


class QuantityForm(forms.Form):
    quantity = forms.IntegerField(
        min_value=1,
        max_value=MAX_QUANTITY,
        error_messages={
            "min_value": "Choose a quantity of at least 1 (or remove the item).",
            "max_value": f"At most {MAX_QUANTITY} of one design per order.",
        },
    )


class CheckoutForm(forms.Form):
    email = forms.EmailField(help_text="Your confirmation and order link go here.")
    name = forms.CharField(max_length=120, label="Full name")
    line1 = forms.CharField(max_length=200, label="Address")
    line2 = forms.CharField(max_length=200, required=False, label="Address line 2")
    city = forms.CharField(max_length=100)
    postal_code = forms.CharField(max_length=20, label="Postal code")
    country = forms.CharField(
        max_length=2,
        min_length=2,
        help_text="Two-letter code, e.g. US, GB, DE.",
        widget=forms.TextInput(attrs={"size": 3, "autocomplete": "country"}),
    )

    def clean_country(self) -> str:
        country = self.cleaned_data["country"].strip().upper()
        if not country.isalpha():
            raise forms.ValidationError("Use a two-letter country code such as US or DE.")
        if not countries.name(country):  # ISO 3166-1 alpha-2, from django-countries
            raise forms.ValidationError(
                f"{country} is not a country code; use a two-letter code such as US or DE."
            )
        if shipping_rate_for(country) is None:
            raise forms.ValidationError(f"We do not ship to {country} yet.")
        return country
