from __future__ import annotations

from django import forms

from orders.models import LineStatus


class LineStatusForm(forms.Form):
    """Move a line to in production, or to shipped with carrier and tracking number."""

    to = forms.ChoiceField(
        choices=[(LineStatus.IN_PRODUCTION, "In production"), (LineStatus.SHIPPED, "Shipped")]
    )
    carrier = forms.CharField(max_length=60, required=False)
    tracking_number = forms.CharField(max_length=80, required=False)

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if data.get("to") == LineStatus.SHIPPED:
            for name, label in (("carrier", "carrier"), ("tracking_number", "tracking number")):
                if not (data.get(name) or "").strip():
                    self.add_error(name, f"Give the {label} to mark the line shipped.")
        return data
