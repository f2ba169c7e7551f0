"""The Wagtail form for styles: the source is loaded through ``ml`` before anything is saved."""

from __future__ import annotations

from typing import Any

from wagtail.admin.forms import WagtailAdminModelForm

from styling import curation
from styling.models import Style, StyleKind

SOURCE_FIELDS = ("kind", "architecture", "builtin", "weights", "reference_image", "params")


class StyleAdminForm(WagtailAdminModelForm):
    """Verifies the weights or reference picture in ``clean()``; records the sha256; queues samples.

    A file ``ml`` refuses becomes an error on its field with ``ml``'s message,
    so the instance, its revision and the file are never stored. A palette
    source picture is read the same way and its 18 colours stored with the
    style; it needs its own provenance and licence, like any style asset.
    """

    class Meta:
        model = Style
        fields = "__all__"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._source_sha: str | None = None
        self._source_palette: list[dict[str, Any]] | None = None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        self._clean_palette_source(cleaned)
        if self.errors:
            return cleaned
        creating = self.instance._state.adding
        if not creating and not any(f in self.changed_data for f in SOURCE_FIELDS):
            return cleaned
        kind = cleaned.get("kind")
        try:
            sha = curation.verify_source(
                kind=kind,
                architecture=cleaned.get("architecture") or "",
                builtin=cleaned.get("builtin") or "",
                params=cleaned.get("params") or {},
                weights=cleaned.get("weights") if kind == StyleKind.GAN else None,
                reference=cleaned.get("reference_image") if kind == StyleKind.REFERENCE else None,
            )
        except curation.StyleRejected as exc:
            field = exc.field if exc.field in self.fields else None
            self.add_error(field, exc.message)
            return cleaned
        self._source_sha = sha
        return cleaned

    def _clean_palette_source(self, cleaned: dict[str, Any]) -> None:
        source = cleaned.get("palette_source")
        if not source:
            if "palette_source" in self.changed_data:  # cleared
                self._source_palette = []
            return
        if cleaned.get("kind") != StyleKind.CLASSICAL:
            self.add_error(
                "palette_source", "A palette source drives built-in (classical) styles only."
            )
            return
        for field in ("palette_source_provenance", "palette_source_licence"):
            if not (cleaned.get(field) or "").strip():
                self.add_error(field, "Record where the palette source came from and its licence.")
        if "palette_source" in self.changed_data:
            try:
                self._source_palette = curation.source_palette(source)
            except curation.StyleRejected as exc:
                self.add_error(exc.field, exc.message)

    def save(self, commit: bool = True) -> Style:
        if self._source_sha is not None:
            self.instance.weights_sha256 = self._source_sha
        if self._source_palette is not None:
            self.instance.source_palette = self._source_palette
        style = super().save(commit=commit)
        if commit and (self._source_sha is not None or self._source_palette is not None):
            curation.queue_samples(style)
        return style
