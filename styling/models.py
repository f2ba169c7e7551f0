"""Styles, uploads, styling jobs and designs.

Ownership: an ``Upload`` belongs to a browser session (and to a user when
signed in); jobs and designs belong to whoever owns their upload. Every
read of these rows by a shopper goes through ``styling.selectors`` which
applies that rule. Primary keys are UUIDs so URLs and file paths cannot be
guessed or enumerated.
"""

from __future__ import annotations

import uuid
from fractions import Fraction

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from wagtail.models import PreviewableMixin, RevisionMixin

from shop.storage import private_storage


class StyleKind(models.TextChoices):
    GAN = "gan", "Generator weights (GAN)"
    REFERENCE = "reference", "Reference picture"
    CLASSICAL = "classical", "Built-in filter"


class Architecture(models.TextChoices):
    ANIMEGANV2 = "animeganv2", "AnimeGANv2"
    ANIMEGANV2_HALF = "animeganv2_half", "AnimeGANv2, half width"
    CARTOONGAN = "cartoongan", "CartoonGAN"
    CYCLEGAN_RESNET9 = "cyclegan_resnet9", "CycleGAN ResNet-9"


class Builtin(models.TextChoices):
    RETRO_CEL = "retro-cel", "Retro cel (90s anime look)"
    ANIME_CEL = "anime-cel", "Anime cel (90s TV-anime frame)"


def style_file_path(instance: Style, filename: str) -> str:
    return f"styles/{uuid.uuid4().hex}/{filename}"


class SamplesStatus(models.TextChoices):
    NONE = "none", "Not generated"
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Generating"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


class Style(RevisionMixin, PreviewableMixin, models.Model):
    """A curated look shoppers can pick, edited as a Wagtail snippet."""

    name = models.CharField(max_length=80)
    slug = models.SlugField(unique=True)
    summary = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=StyleKind.choices)
    architecture = models.CharField(max_length=30, choices=Architecture.choices, blank=True)
    builtin = models.CharField(max_length=30, choices=Builtin.choices, blank=True)
    weights = models.FileField(storage=private_storage, upload_to=style_file_path, blank=True)
    weights_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    reference_image = models.FileField(
        storage=private_storage, upload_to=style_file_path, blank=True
    )
    params = models.JSONField(default=dict, blank=True)
    is_enabled = models.BooleanField(default=False)
    sort_order = models.PositiveIntegerField(default=0)
    provenance = models.TextField(help_text="Where the weights or reference picture came from.")
    licence = models.CharField(max_length=120)
    commercial_use_allowed = models.BooleanField(
        default=False,
        help_text="Only styles whose licence allows commercial use can be ordered.",
    )
    samples_status = models.CharField(
        max_length=10, choices=SamplesStatus.choices, default=SamplesStatus.NONE, editable=False
    )
    samples_error = models.CharField(max_length=300, blank=True, editable=False)
    palette = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="18-colour palette of the samples' styled images (ml.palette JSON).",
    )
    palette_source = models.FileField(
        storage=private_storage,
        upload_to=style_file_path,
        blank=True,
        help_text="A still whose colours the paint of a built-in (classical) style takes.",
    )
    palette_source_provenance = models.TextField(
        blank=True, help_text="Where the palette source picture came from."
    )
    palette_source_licence = models.CharField(max_length=120, blank=True)
    source_palette = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="The palette source picture's 18 colours (ml.palette JSON).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_preview_template(self, request: object, mode_name: str) -> str:
        return "styling/previews/style.html"


class StyleSample(models.Model):
    """The style applied to one of the fixed sample photos (public: shown on the storefront)."""

    style = models.ForeignKey(Style, on_delete=models.CASCADE, related_name="samples")
    sample_name = models.CharField(max_length=60)
    before = models.ImageField(upload_to="style-samples/")
    after = models.ImageField(upload_to="style-samples/")
    source_sha256 = models.CharField(max_length=64, help_text="Weights/params this was made with.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["style", "sample_name"], name="one_sample_per_photo")
        ]
        ordering = ["sample_name"]

    def __str__(self) -> str:
        return f"{self.style} on {self.sample_name}"


def upload_path(instance: Upload, filename: str) -> str:
    return f"uploads/{instance.pk.hex}/{filename}"


class Upload(models.Model):
    """A shopper's photo: the validated original and an EXIF-free display copy, both private."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner_session = models.CharField(max_length=64, db_index=True)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    original = models.FileField(storage=private_storage, upload_to=upload_path)
    image = models.FileField(
        storage=private_storage, upload_to=upload_path, help_text="Cropped, EXIF-free sRGB PNG."
    )
    original_filename = models.CharField(max_length=255)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    crop = models.JSONField(
        default=dict,
        blank=True,
        help_text="Crop box {x, y, w, h} in the oriented original's pixels.",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"Upload {self.pk}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


def result_path(instance: StylingJob, filename: str) -> str:
    return f"styled/{instance.pk.hex}/{filename}"


class StylingJob(models.Model):
    """One run of a style over an upload; the worker reports stage and percent here."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    upload = models.ForeignKey(Upload, on_delete=models.CASCADE, related_name="jobs")
    style = models.ForeignKey(Style, on_delete=models.PROTECT, related_name="jobs")
    strength = models.FloatField(
        default=1.0, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)]
    )
    preserve_color = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True
    )
    stage = models.CharField(max_length=40, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    error_message = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    result = models.FileField(storage=private_storage, upload_to=result_path, blank=True)
    palette = models.JSONField(
        default=list, blank=True, help_text="18-colour palette of the result (ml.palette JSON)."
    )
    celery_task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    discard_pending = models.BooleanField(
        default=False,
        help_text="Failed, and files it may have written not deleted yet (the media store was "
        "down): housekeeping tries again (styling.jobs.leftovers).",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [  # the sweep's few rows among every job ever failed
            models.Index(
                fields=["finished_at"],
                condition=models.Q(discard_pending=True),
                name="styling_job_discard_pending",
            )
        ]

    def __str__(self) -> str:
        return f"Job {self.pk} ({self.status})"


class StylingJobEvent(models.Model):
    """Audit row: one per status change of a job (written by ``styling.jobs.transition``)."""

    job = models.ForeignKey(StylingJob, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=JobStatus.choices)
    to_status = models.CharField(max_length=10, choices=JobStatus.choices)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.job_id}: {self.from_status} -> {self.to_status}"


def design_path(instance: Design, filename: str) -> str:
    return f"designs/{instance.pk.hex}/{filename}"


class Design(models.Model):
    """A styled image placed on a product variant: what goes into the cart and onto the print."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    job = models.ForeignKey(StylingJob, on_delete=models.PROTECT, related_name="designs")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    placement = models.JSONField(
        default=dict,
        help_text="Where the image sits in the bleed box: scale and centre offsets, as fractions.",
    )
    effective_dpi = models.PositiveIntegerField()
    mockup = models.FileField(storage=private_storage, upload_to=design_path, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Design {self.pk}"

    @property
    def quality_tier(self) -> str:
        """``sharp`` / ``good`` / ``too small`` for the stored DPI on the variant's spec now."""
        from styling.placement import quality_tier
        from styling.quality import TIER_WORDS

        spec = self.variant.print_spec
        return TIER_WORDS[quality_tier(self.effective_dpi, spec.min_dpi, spec.recommended_dpi)]


class Clip(models.Model):
    """An upload that moves (GIF, animated WebP/PNG, MP4/WebM/MOV): what was read when it was
    validated. The ``Upload`` row keeps the original clip and its first frame as ``image``."""

    upload = models.OneToOneField(
        Upload, on_delete=models.CASCADE, primary_key=True, related_name="clip"
    )
    frames = models.PositiveIntegerField(help_text="Frames at the clip's (capped) rate.")
    fps_num = models.PositiveIntegerField()
    fps_den = models.PositiveIntegerField(default=1)
    width = models.PositiveIntegerField(help_text="Working frame width (even).")
    height = models.PositiveIntegerField(help_text="Working frame height (even).")
    has_audio = models.BooleanField(default=False)
    before = models.FileField(
        storage=private_storage,
        upload_to=upload_path,
        help_text="The clip at the working size, H.264 MP4 without sound.",
    )

    def __str__(self) -> str:
        return f"Clip {self.upload_id} ({self.frames} frames)"

    @property
    def fps(self) -> Fraction:
        return Fraction(self.fps_num, self.fps_den)

    @property
    def seconds(self) -> float:
        return self.frames / float(self.fps)


class ClipRender(models.Model):
    """A finished clip job's downloads. The styled frames stay under the job's folder
    (``styling.clip_jobs.frame_name``) for the frame picker."""

    job = models.OneToOneField(
        StylingJob, on_delete=models.CASCADE, primary_key=True, related_name="clip_render"
    )
    gif = models.FileField(storage=private_storage, upload_to=result_path)
    webp = models.FileField(storage=private_storage, upload_to=result_path)
    mp4 = models.FileField(storage=private_storage, upload_to=result_path)
    frames = models.PositiveIntegerField()
    flicker = models.FloatField(
        null=True,
        blank=True,
        help_text="Mean level change between frames where the source is still.",
    )

    def __str__(self) -> str:
        return f"Clip render of {self.job_id}"
