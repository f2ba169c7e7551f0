"""Moderators in Wagtail: see entries with their report counts, read reports, hide and unhide."""

from __future__ import annotations

import pytest
from django.core import mail

from showcase.models import Entry, Report, ReportReason
from showcase.tests.factories import EntryFactory

pytestmark = pytest.mark.django_db


def test_moderators_see_entries_with_report_counts_and_the_reports(visitors, owner) -> None:  # type: ignore[no-untyped-def]
    entry = EntryFactory(owner=owner, title="Reported one")
    Report.objects.create(entry=entry, reason=ReportReason.SPAM, details="buy pills")
    Report.objects.create(entry=entry, reason=ReportReason.NOT_THEIRS)
    admin = visitors["admin"]
    listing = admin.get("/cms/gallery/entries/")
    assert listing.status_code == 200
    body = listing.content.decode()
    assert "Reported one" in body and f"/gallery/{entry.pk}/" in body
    rows = listing.context["object_list"]
    assert [(e.title, e.report_count) for e in rows] == [("Reported one", 2)]
    reports = admin.get("/cms/gallery/reports/").content.decode()
    assert "buy pills" in reports and "Spam or advertising" in reports
    assert admin.get("/cms/gallery/entries/new/").status_code in (302, 403)
    # Shoppers never reach the admin
    assert visitors["other"].get("/cms/gallery/entries/").status_code == 302


def test_hiding_takes_the_entry_down_and_tells_the_owner_once(
    visitors, owner, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    # The e-mail is sent on commit: run those callbacks inside the test's transaction.
    def django_capture_on_commit():  # type: ignore[no-untyped-def]
        return django_capture_on_commit_callbacks(execute=True)

    entry = EntryFactory(owner=owner, title="Borderline")
    url = f"/cms/gallery/entries/edit/{entry.pk}/"
    form = {"is_hidden": "on", "moderation_note": "Shows a stranger's face."}
    with django_capture_on_commit():
        response = visitors["admin"].post(url, form)
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.is_hidden and entry.hidden_at and entry.moderation_note == form["moderation_note"]
    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert "Borderline" in mail.outbox[0].body and "Shows a stranger's face." in mail.outbox[0].body
    assert visitors["anonymous"].get(f"/gallery/{entry.pk}/").status_code == 404
    assert visitors["anonymous"].get(f"/gallery/{entry.pk}/image.png").status_code == 404
    owner_view = visitors["owner"].get(f"/gallery/{entry.pk}/").content.decode()
    assert "Hidden by our moderators: Shows a stranger&#x27;s face." in owner_view
    # Saving again while hidden sends no second e-mail
    with django_capture_on_commit():
        visitors["admin"].post(url, form)
    assert len(mail.outbox) == 1
    # Unhide: public again
    with django_capture_on_commit():
        visitors["admin"].post(url, {"moderation_note": ""})
    entry.refresh_from_db()
    assert not entry.is_hidden
    assert visitors["anonymous"].get(f"/gallery/{entry.pk}/").status_code == 200
    assert Entry.objects.count() == 1
