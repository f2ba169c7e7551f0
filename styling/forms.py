"""Forms of the styling journey: they parse and bound input; services do the real checks."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from catalog.models import Variant
from ml.imageio import ACCEPTED_FORMATS
from styling.models import Style
from styling.placement import MAX_OFFSET, MAX_SCALE, MIN_SCALE, Placement, PlacementInvalid
from styling.uploads import CropBox

ACCEPT_ATTR = (
    "image/jpeg,image/png,image/webp,image/gif,image/tiff,image/bmp,"
    "video/mp4,video/webm,video/quicktime,.mp4,.webm,.mov"
)


class UploadForm(forms.Form):
    """The photo plus an optional crop box (in the pixels of the photo as shown)."""

    photo = forms.FileField(
        label="Your photo",
        allow_empty_file=True,  # ml.imageio says "The file is empty." itself
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTR}),
        error_messages={"required": "Please choose a photo to upload."},
    )
    crop_x = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    crop_y = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    crop_w = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    crop_h = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    CROP_EDGES = {"crop_x": ("left edge", 0), "crop_y": ("top edge", 0)}
    CROP_EDGES |= {"crop_w": ("width", 1), "crop_h": ("height", 1)}

    def __init__(self, *args: object, max_bytes: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def clean_photo(self):  # type: ignore[no-untyped-def]
        photo = self.cleaned_data["photo"]
        if photo.size > self.max_bytes:  # before reading it: the limit is re-checked on decode
            raise ValidationError(
                f"The file is larger than {self.max_bytes / 2**20:.0f} MB. "
                "Please upload a smaller image."
            )
        return photo

    def clean(self):  # type: ignore[no-untyped-def]
        """Hidden crop fields have no place to show errors: say what was wrong above the form."""
        data = super().clean()
        for name, (edge, minimum) in self.CROP_EDGES.items():
            if self.errors.pop(name, None):
                self.add_error(
                    None,
                    f"The crop box's {edge} must be a whole number of pixels, {minimum} or more. "
                    "Please choose the crop again.",
                )
        return data

    def crop_box(self) -> CropBox | None:
        values = [self.cleaned_data.get(f"crop_{k}") for k in "xywh"]
        if any(v is None for v in values):
            return None
        return CropBox(*values)  # type: ignore[arg-type]


def accepted_formats_text() -> str:
    names = ["WebP" if f == "WEBP" else f for f in ACCEPTED_FORMATS]
    return ", ".join(names[:-1]) + " or " + names[-1]


class StyleChoiceForm(forms.Form):
    style = forms.ModelChoiceField(
        queryset=Style.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Please pick a style.",
            "invalid_choice": "That style is not available any more; please pick another.",
        },
    )
    strength = forms.FloatField(
        min_value=0.0,
        max_value=1.0,
        initial=1.0,
        widget=forms.NumberInput(attrs={"type": "range", "step": "0.05", "min": "0", "max": "1"}),
    )
    preserve_color = forms.BooleanField(required=False, label="Keep my photo's colours")

    def __init__(self, *args: object, styles, **kwargs: object) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["style"].queryset = styles


class PlacementForm(forms.Form):
    variant = forms.ModelChoiceField(
        queryset=Variant.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "That product is not on sale; please pick another."},
    )
    scale = forms.FloatField(min_value=MIN_SCALE, max_value=MAX_SCALE, initial=1.0)
    offset_x = forms.FloatField(min_value=-MAX_OFFSET, max_value=MAX_OFFSET, initial=0.0)
    offset_y = forms.FloatField(min_value=-MAX_OFFSET, max_value=MAX_OFFSET, initial=0.0)

    def __init__(self, *args: object, variants, **kwargs: object) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["variant"].queryset = variants

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if not self.errors:
            try:
                data["placement"] = Placement.from_mapping(data)
            except PlacementInvalid as exc:
                raise ValidationError(exc.message) from None
        return data
