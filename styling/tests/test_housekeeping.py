"""Housekeeping: abandoned uploads go (rows and files); recent and ordered ones stay."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.test import override_settings
from django.utils import timezone

from catalog.tests.factories import PrintSpecFactory, VariantFactory
from styling import designs, retention, uploads
from styling.jobs import dispatch, worker
from styling.models import Design, StylingJob, StylingJobEvent, Upload
from styling.placement import Placement
from styling.tests.conftest import stored_files
from styling.tests.factories import png_bytes

pytestmark = pytest.mark.django_db


def age(days: float, *rows) -> None:
    """Pretend ``rows`` were created ``days`` ago."""
    when = timezone.now() - timedelta(days=days)
    for row in rows:
        type(row).objects.filter(pk=row.pk).update(created_at=when)


@pytest.fixture
def finished(owner, style):
    """An upload with a finished job and a design on a small sticker."""
    upload = uploads.create_upload(owner=owner, data=png_bytes(), filename="a.png")
    job = dispatch.start_job(upload=upload, style=style)
    worker.run_job(job_id=job.pk)
    job.refresh_from_db()
    spec = PrintSpecFactory(
        trim_width_mm=Decimal("20"), trim_height_mm=Decimal("20"), bleed_mm=Decimal("3"),
        safe_margin_mm=Decimal("2"), masks=[],
    )  # fmt: skip
    design = designs.create_design(
        job=job, variant=VariantFactory(print_spec=spec), placement=Placement()
    )
    return upload, job, design


def order_line_for(design: Design):
    """An order line pointing at ``design`` (looked up by name: styling never imports orders)."""
    rate = apps.get_model("orders", "ShippingRate").objects.create(name="Std", amount_minor=500)
    order = apps.get_model("orders", "Order").objects.create(
        email="a@b.test", ship_name="A", ship_line1="1 St", ship_city="C",
        ship_postal_code="1", ship_country="US", shipping_rate=rate, currency="USD",
        subtotal_minor=1899, shipping_minor=500, total_minor=2399,
    )  # fmt: skip
    return apps.get_model("orders", "OrderLine").objects.create(
        order=order, design=design, quantity=1, product_title="Sticker", variant_name="20 mm",
        sku="S", unit_price_minor=1899, print_spec={}, style_name="Retro cel",
    )  # fmt: skip


def test_abandoned_upload_goes_with_its_jobs_designs_and_files(
    finished, django_capture_on_commit_callbacks
) -> None:
    upload, job, design = finished
    assert len(stored_files()) == 4  # original, photo, styled result, mockup
    age(8, upload, job, design)
    with django_capture_on_commit_callbacks(execute=True):  # files go after the rows commit
        result = retention.housekeeping()
    assert result == retention.HousekeepingResult(
        uploads=1, jobs=1, designs=1, files=4, kept_referenced=0
    )
    assert (Upload.objects.count(), StylingJob.objects.count(), Design.objects.count()) == (0, 0, 0)
    assert StylingJobEvent.objects.count() == 0
    assert stored_files() == []


def test_an_accounts_upload_is_kept_however_old(finished, django_user_model) -> None:
    upload, job, design = finished
    upload.owner_user = django_user_model.objects.create_user("kiki", "kiki@example.com", "pw")
    upload.save()
    age(30, upload, job, design)
    assert retention.housekeeping().uploads == 0
    assert Design.objects.filter(pk=design.pk).exists()


def test_recent_activity_keeps_an_old_upload(finished) -> None:
    upload, job, design = finished
    age(8, upload, job)  # the design was made today
    assert retention.housekeeping().uploads == 0
    assert Upload.objects.filter(pk=upload.pk).exists()
    assert len(stored_files()) == 4


def test_an_upload_whose_design_was_ordered_is_never_deleted(finished) -> None:
    upload, job, design = finished
    order_line_for(design)
    age(400, upload, job, design)
    result = retention.housekeeping()
    assert (result.uploads, result.kept_referenced) == (0, 1)
    assert Design.objects.filter(pk=design.pk).exists()
    assert len(stored_files()) == 4


@override_settings(STYLING_RETENTION_DAYS=30)
def test_retention_is_configurable(finished) -> None:
    upload, job, design = finished
    age(8, upload, job, design)
    assert retention.housekeeping().uploads == 0
    age(31, upload, job, design)
    assert retention.housekeeping().uploads == 1


def test_uploads_without_jobs_are_cleaned_too(owner, django_capture_on_commit_callbacks) -> None:
    upload = uploads.create_upload(owner=owner, data=png_bytes(), filename="a.png")
    age(7.5, upload)
    with django_capture_on_commit_callbacks(execute=True):
        assert retention.housekeeping().uploads == 1
    assert stored_files() == []
