"""The public gallery: entries a shopper published, likes, reports, and the Wagtail page.

A ``Design`` is private until its owner publishes it; publishing creates (or re-opens) its
``Entry``; unpublishing keeps the row, its likes and its reports, out of view. A finished
styled clip (``styling.ClipRender``) is published the same way: its entry has ``clip`` set
instead of ``design`` (exactly one of the two), and plays as a looping muted video. Moderators
hide an entry in Wagtail; a hidden entry is 404 to everyone but its owner and admins, and
its owner cannot publish it again (the row stays, so unpublish + publish cannot clear a hide).
Only the styled image, the design's mockup and a clip's styled MP4 are ever served from here,
never the photo or the uploaded clip.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

TITLE_MAX = 80
CAPTION_MAX = 280


class Entry(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    design = models.OneToOneField(
        "styling.Design",
        on_delete=models.CASCADE,
        related_name="gallery_entry",
        null=True,
        blank=True,
    )
    clip = models.OneToOneField(
        "styling.ClipRender",
        on_delete=models.CASCADE,
        related_name="gallery_entry",
        null=True,
        blank=True,
        help_text="A styled clip's entry (instead of a design): shown as its MP4, looping.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="gallery_entries"
    )
    # Copied from the design's job at publish time so listing and filtering need no joins
    # through the private rows (and a style rename still shows).
    style = models.ForeignKey(
        "styling.Style", on_delete=models.PROTECT, related_name="gallery_entries"
    )
    title = models.CharField(max_length=TITLE_MAX)
    caption = models.CharField(max_length=CAPTION_MAX, blank=True)
    like_count = models.PositiveIntegerField(default=0, editable=False)
    is_published = models.BooleanField(default=True, editable=False)
    is_hidden = models.BooleanField(
        default=False, help_text="Hidden entries are gone from the gallery for everyone else."
    )
    moderation_note = models.CharField(
        max_length=300, blank=True, help_text="Why it was hidden: sent to the owner."
    )
    hidden_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-published_at"]
        verbose_name = "gallery entry"
        verbose_name_plural = "gallery entries"
        indexes = [
            models.Index(
                fields=["is_published", "is_hidden", "-published_at"], name="entry_newest"
            ),
            models.Index(
                fields=["is_published", "is_hidden", "-like_count", "-published_at"],
                name="entry_liked",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(design__isnull=False, clip__isnull=True)
                | models.Q(design__isnull=True, clip__isnull=False),
                name="entry_design_xor_clip",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.is_published and not self.is_hidden

    @property
    def is_clip(self) -> bool:
        return self.clip_id is not None

    @property
    def kind_label(self) -> str:
        """What the entry is, in the moderators' list: a clip plays, a photo design does not."""
        return "Clip" if self.is_clip else "Photo design"

    @property
    def job(self) -> Any:
        """The styling job whose picture the entry shows (a clip's poster is its first frame)."""
        return self.clip.job if self.clip_id is not None else self.design.job


class Like(models.Model):
    """One per shopper per entry (unique): ``Entry.like_count`` follows the rows."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "user"], name="one_like_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id} likes {self.entry_id}"


class ReportReason(models.TextChoices):
    INAPPROPRIATE = "inappropriate", "Inappropriate or offensive"
    NOT_THEIRS = "not_theirs", "Uses a photo or video that is not theirs"  # a design or a clip
    PERSONAL = "personal", "Shows me or my personal details"
    SPAM = "spam", "Spam or advertising"
    OTHER = "other", "Something else"


class Report(models.Model):
    """Anyone may report an entry; moderators read these beside the entry in Wagtail."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(max_length=20, choices=ReportReason.choices)
    details = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} on {self.entry}"


class GalleryPage(Page):
    """Where editors place the public gallery in the page tree and give it a title and intro."""

    intro = RichTextField(features=["bold", "italic", "link"], blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["shop.HomePage"]
    subpage_types: list[str] = []
    max_count = 1
    template = "showcase/gallery.html"

    class Meta:
        verbose_name = "gallery page"

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from showcase.views import listing_context

        context = super().get_context(request, *args, **kwargs)
        context.update(listing_context(request))
        context["gallery_title"] = self.title
        return context
