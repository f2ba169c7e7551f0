from __future__ import annotations

from django import forms

from showcase.models import CAPTION_MAX, TITLE_MAX, ReportReason


class PublishForm(forms.Form):
    title = forms.CharField(max_length=TITLE_MAX, strip=True)
    caption = forms.CharField(
        max_length=CAPTION_MAX, required=False, strip=True, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReportForm(forms.Form):
    reason = forms.ChoiceField(choices=ReportReason.choices)
    details = forms.CharField(
        max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
