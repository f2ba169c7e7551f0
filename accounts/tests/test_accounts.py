"""Sign-up with a mailed verification link, what follows a shopper into the account, the account
page, the data download and deleting the account."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.test import Client

from accounts import services
from ml.testing import clips
from orders.models import Order
from orders.tests.factories import OrderFactory, OrderLineFactory
from orders.tests.helpers import ADDRESS, shopper_with_design
from showcase import services as showcase_services
from showcase.models import Entry
from showcase.tests.clip_entries import FPS, FRAMES, drawn_frames, finished_clip_job
from showcase.tests.factories import PASSWORD, EntryFactory, ShopperFactory, design_of
from styling.clips import create_clip_upload
from styling.models import Design, JobStatus, Upload
from styling.selectors import Owner
from styling.tests.factories import (
    ClipRenderFactory,
    DesignFactory,
    StylingJobFactory,
    UploadFactory,
)

pytestmark = pytest.mark.django_db
LINK = re.compile(r"http://testserver(/accounts/confirm-email/[^/\s]+/)")


def sign_up(client: Client, email: str) -> str:
    """Sign up and return the path of the mailed verification link."""
    response = client.post(
        "/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response.url == "/accounts/confirm-email/"
    (message,) = [m for m in mail.outbox if email in m.to]
    return LINK.search(message.body).group(1)


def anonymous_design(client: Client, shared_data: Path) -> Design:
    """A design on an upload this browser really made (POST /create/ sets the session owner)."""
    photo = (shared_data / "photos" / "bsd68" / "101085.png").read_bytes()
    assert client.post("/create/", {"photo": ContentFile(photo, name="me.png")}).status_code == 302
    return DesignFactory(job__upload=Upload.objects.latest("created_at"))


def test_sign_up_verify_by_the_mailed_link_and_keep_what_was_made_before(
    client: Client, shared_data: Path
) -> None:
    # Given an anonymous shopper with a design, and an order placed earlier with their address
    design = anonymous_design(client, shared_data)
    placed_elsewhere = OrderFactory(email="Kiki@Example.com", owner_session="another-browser")
    someone_elses = OrderFactory(email="jiji@example.com", owner_session="another-browser")
    # When they sign up: not signed in until the address is verified
    link = sign_up(client, "kiki@example.com")
    assert "_auth_user_id" not in client.session
    user = get_user_model().objects.get(email="kiki@example.com")
    assert not EmailAddress.objects.get(user=user).verified
    assert client.post(
        "/accounts/login/", {"login": "kiki@example.com", "password": PASSWORD}
    ).url == ("/accounts/confirm-email/")
    assert "_auth_user_id" not in client.session
    assert client.get(link).status_code == 200  # the confirm page
    confirmed = client.post(link)
    # Then the link verifies the address and signs them in, with their things
    assert confirmed.status_code == 302 and confirmed.url == "/accounts/"
    assert int(client.session["_auth_user_id"]) == user.pk
    assert EmailAddress.objects.get(user=user).verified
    assert Upload.objects.get(pk=design.job.upload_id).owner_user_id == user.pk
    placed_elsewhere.refresh_from_db()
    someone_elses.refresh_from_db()
    assert placed_elsewhere.user_id == user.pk and someone_elses.user_id is None
    page = client.get("/accounts/").content.decode()
    assert f"/create/designs/{design.pk}/mockup.png" in page and placed_elsewhere.number in page


def test_an_unverified_address_adopts_no_orders() -> None:
    user = ShopperFactory(verified=False)
    order = OrderFactory(email=user.email)
    assert services.adopt_orders_by_email(user) == 0
    order.refresh_from_db()
    assert order.user_id is None


def test_signing_in_brings_this_browsers_order_and_cart(client: Client, shared_data: Path) -> None:
    user = ShopperFactory(email="other-address@example.com")
    shopper_with_design(Client())  # shipping rates
    design = anonymous_design(client, shared_data)
    client.post("/cart/add/", {"design": str(design.pk), "quantity": 1})
    assert client.post("/checkout/", ADDRESS).status_code == 302  # as kiki@example.com
    order = Order.objects.get()
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.user_id == user.pk and order.owner_session == client.session.session_key
    assert client.get(f"/orders/{order.token}/").status_code == 200
    assert str(design.pk) in client.get("/cart/").content.decode()


def test_staff_made_users_sign_in_by_username_without_verification(client: Client) -> None:
    get_user_model().objects.create_user("printer", "printer@example.com", PASSWORD)
    response = client.post("/accounts/login/", {"login": "printer", "password": PASSWORD})
    assert response.status_code == 302 and response.url == "/accounts/"
    assert client.session.get("_auth_user_id")


def test_password_reset_by_mail(client: Client) -> None:
    user = ShopperFactory()
    client.post("/accounts/password/reset/", {"email": user.email})
    (message,) = mail.outbox
    path = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", message.body).group(1)
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    done = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
        {"password1": "brand-new-pass-77", "password2": "brand-new-pass-77"},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("brand-new-pass-77")


def test_the_account_page_shows_designs_orders_with_tracking_and_published(client: Client) -> None:
    user = ShopperFactory()
    design = design_of(user)
    line = OrderLineFactory(
        order__user=user, design=design, carrier="UPS", tracking_number="1Z999", status="shipped"
    )
    entry = EntryFactory(owner=user, design=design_of(user), title="On the wall")
    stranger_design = DesignFactory()
    client.force_login(user)
    body = client.get("/accounts/").content.decode()
    assert f"/create/designs/{design.pk}/" in body and line.order.number in body
    assert "UPS 1Z999" in body and "On the wall" in body and f"/gallery/{entry.pk}/" in body
    assert str(stranger_design.pk) not in body
    assert Client().get("/accounts/").status_code == 302


def test_the_data_zip_holds_designs_and_orders(client: Client) -> None:
    user = ShopperFactory()
    design = design_of(user)
    OrderLineFactory(order__user=user, design=design)
    OrderFactory(email="someone@example.com")  # not theirs
    client.force_login(user)
    response = client.get("/accounts/my-data.zip")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(archive.namelist())
    assert {f"designs/{design.pk}/styled.png", f"designs/{design.pk}/mockup.png"} <= names
    assert f"photos/{design.job.upload.pk}.png" in names
    orders = json.loads(archive.read("orders.json"))
    assert [o["number"] for o in orders] == [user.orders.get().number]
    assert json.loads(archive.read("account.json"))["email"] == user.email


def test_the_data_zip_holds_the_shoppers_clips_their_source_and_renders(client: Client) -> None:
    # Given a shopper with a finished clip, styled twice, and one still running
    user = ShopperFactory()
    clip = finished_clip_job(user)
    again = ClipRenderFactory(job=StylingJobFactory(upload=clip.upload)).job
    running = finished_clip_job(user, status=JobStatus.RUNNING)
    strangers = finished_clip_job(ShopperFactory())
    # When they download their data
    client.force_login(user)
    archive = zipfile.ZipFile(
        io.BytesIO(b"".join(client.get("/accounts/my-data.zip").streaming_content))
    )
    names = set(archive.namelist())
    # Then each finished clip is there with its MP4, GIF, WebP and poster, byte for byte
    for job in (clip, again):
        render = job.clip_render
        for arcname, field in (
            ("clip.mp4", render.mp4),
            ("clip.gif", render.gif),
            ("clip.webp", render.webp),
            ("poster.png", job.result),
        ):
            with field.storage.open(field.name, "rb") as fh:
                assert archive.read(f"clips/{job.pk}/{arcname}") == fh.read(), arcname
    # And the source clip once, as uploaded (the running one's too: every upload is theirs)
    source = f"clips/sources/{clip.upload.pk}.mp4"
    with clip.upload.original.open("rb") as fh:
        assert archive.read(source) == fh.read()
    assert sorted(n for n in names if n.startswith("clips/sources/")) == sorted(
        [source, f"clips/sources/{running.upload.pk}.mp4"]
    )
    # And the facts, with where their files are
    facts = {c["id"]: c for c in json.loads(archive.read("clips.json"))}
    assert set(facts) == {str(clip.pk), str(again.pk)}
    assert facts[str(clip.pk)] == {
        "id": str(clip.pk),
        "created_at": clip.created_at.isoformat(),
        "style": clip.style.name,
        "strength": clip.strength,
        "frames": FRAMES,
        "fps": "8",
        "seconds": 1.0,
        "source": source,
        "files": [
            f"clips/{clip.pk}/{n}" for n in ("clip.mp4", "clip.gif", "clip.webp", "poster.png")
        ],
    }
    # And no render of a clip not finished yet, nothing at all of anyone else's
    assert not [n for n in names if str(running.pk) in n]
    assert not [n for n in names if str(strangers.pk) in n or str(strangers.upload.pk) in n]


def test_the_data_zip_holds_every_upload_once_styled_or_not(client: Client) -> None:
    # Given a shopper with a photo never styled, one whose job failed, one behind a design
    # (styled twice), a clip source never styled and a finished clip (styled twice)
    user = ShopperFactory()
    mine = {"owner_user": user, "owner_session": f"s-{user.pk}"}
    unstyled = UploadFactory(**mine, original_filename="holiday.png", crop={"x": 1, "y": 2})
    failed = StylingJobFactory(upload__owner_user=user, status=JobStatus.FAILED).upload
    design = design_of(user)
    DesignFactory(job=design.job)
    raw_clip = create_clip_upload(
        owner=Owner(session=f"s-{user.pk}", user_id=user.pk),
        data=clips.video_bytes(drawn_frames(4), FPS),
        filename="never-styled.mp4",
    )
    styled_clip = finished_clip_job(user)
    ClipRenderFactory(job=StylingJobFactory(upload=styled_clip.upload))
    strangers = [
        UploadFactory(owner_session=f"s-{user.pk}-not"),
        finished_clip_job(ShopperFactory()),
    ]
    # When they download their data
    client.force_login(user)
    archive = zipfile.ZipFile(
        io.BytesIO(b"".join(client.get("/accounts/my-data.zip").streaming_content))
    )
    names = archive.namelist()
    # Then every upload's original is there once, as uploaded: photos, and clip sources
    photos = {u: f"photos/{u.pk}.png" for u in (unstyled, failed, design.job.upload)}
    sources = {u: f"clips/sources/{u.pk}.mp4" for u in (raw_clip, styled_clip.upload)}
    assert sorted(n for n in names if n.startswith("photos/")) == sorted(photos.values())
    assert sorted(n for n in names if n.startswith("clips/sources/")) == sorted(sources.values())
    assert len(names) == len(set(names))
    for upload, arcname in {**photos, **sources}.items():
        with upload.original.open("rb") as fh:
            assert archive.read(arcname) == fh.read(), arcname
    # And each with its facts in uploads.json, pointed at by the design and the clip
    facts = {f["id"]: f for f in json.loads(archive.read("uploads.json"))}
    assert set(facts) == {str(u.pk) for u in {**photos, **sources}}
    assert facts[str(unstyled.pk)] == {
        "id": str(unstyled.pk),
        "kind": "photo",
        "created_at": unstyled.created_at.isoformat(),
        "filename": "holiday.png",
        "width": 48,
        "height": 32,
        "crop": {"x": 1, "y": 2},
        "file": photos[unstyled],
    }
    assert facts[str(raw_clip.pk)] == {
        "id": str(raw_clip.pk),
        "kind": "clip",
        "created_at": raw_clip.created_at.isoformat(),
        "filename": "never-styled.mp4",
        "width": raw_clip.width,
        "height": raw_clip.height,
        "crop": {},
        "file": sources[raw_clip],
        "frames": 4,
        "fps": "8",
        "seconds": 0.5,
        "sound": False,
    }
    designs = json.loads(archive.read("designs.json"))
    assert {d["photo"] for d in designs} == {photos[design.job.upload]}
    clip_facts = json.loads(archive.read("clips.json"))
    assert {c["source"] for c in clip_facts} == {sources[styled_clip.upload]}
    # And nothing of another shopper's (a stranger's browser, a stranger's clip)
    for other in (strangers[0], strangers[1].upload):
        assert not [n for n in names if str(other.pk) in n]


def test_deleting_the_account_keeps_only_what_orders_need(client: Client) -> None:
    user = ShopperFactory()
    ordered = design_of(user)
    line = OrderLineFactory(order__user=user, design=ordered)
    unordered = design_of(user)
    entry = EntryFactory(owner=user, design=unordered)
    liked = EntryFactory()
    showcase_services.like(user=user, entry=liked)
    stored = {
        "unordered": unordered.job.upload.original.name,
        "unordered_result": unordered.job.result.name,
        "ordered": ordered.job.upload.original.name,
    }
    client.force_login(user)
    assert "download your data" in client.get("/accounts/delete/").content.decode()
    wrong = client.post("/accounts/delete/", {"password": "nope", "confirm": "on"})
    assert wrong.status_code == 400 and get_user_model().objects.filter(pk=user.pk).exists()
    with_capture = client.post("/accounts/delete/", {"password": PASSWORD, "confirm": "on"})
    assert with_capture.status_code == 302
    assert not get_user_model().objects.filter(pk=user.pk).exists()
    assert not Entry.objects.filter(pk=entry.pk).exists()
    assert not Design.objects.filter(pk=unordered.pk).exists()
    assert not Upload.objects.filter(pk=unordered.job.upload_id).exists()
    kept = Upload.objects.get(pk=ordered.job.upload_id)
    assert kept.owner_user_id is None and kept.owner_session == services.DELETED_OWNER
    order = Order.objects.get(pk=line.order_id)
    assert order.user_id is None and order.owner_session == ""
    assert storages["private"].exists(stored["ordered"])
    assert "_auth_user_id" not in client.session
    liked.refresh_from_db()
    assert liked.like_count == 0 and not liked.likes.exists()


def test_deleted_files_leave_disk_on_commit(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    user = ShopperFactory()
    design = design_of(user)
    files = [design.job.upload.original.name, design.job.result.name]
    private = storages["private"]
    assert all(private.exists(f) for f in files)
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_account(user=user)
    assert not any(private.exists(f) for f in files)


def test_changing_password_and_email_through_allauth(client: Client) -> None:
    user = ShopperFactory()
    client.force_login(user)
    assert client.get("/accounts/email/").status_code == 200
    changed = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "another-pass-88", "password2": "another-pass-88"},
    )
    assert changed.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another-pass-88")
    client.post("/accounts/email/", {"action_add": "", "email": "new-address@example.com"})
    new = EmailAddress.objects.get(email="new-address@example.com")
    assert new.user == user and not new.verified
    assert OrderFactory(email="new-address@example.com").user_id is None
    (message,) = [m for m in mail.outbox if "new-address@example.com" in m.to]
    # Orders with the new address join the account only once it is verified
    order = OrderFactory(email="new-address@example.com")
    link = LINK.search(message.body).group(1)
    client.post(link)
    new.refresh_from_db()
    order.refresh_from_db()
    assert new.verified and order.user_id == user.pk


def test_clips_json_lists_only_the_files_the_zip_holds(client: Client) -> None:
    # Given a finished clip whose GIF has been deleted from the store
    user = ShopperFactory()
    job = finished_clip_job(user)
    gif = job.clip_render.gif
    gif.storage.delete(gif.name)
    # When its owner downloads their data
    client.force_login(user)
    archive = zipfile.ZipFile(
        io.BytesIO(b"".join(client.get("/accounts/my-data.zip").streaming_content))
    )
    # Then clips.json points only at files that are in the zip
    (facts,) = json.loads(archive.read("clips.json"))
    assert facts["files"] == [
        f"clips/{job.pk}/{n}" for n in ("clip.mp4", "clip.webp", "poster.png")
    ]
    assert set(facts["files"]) <= set(archive.namelist())
