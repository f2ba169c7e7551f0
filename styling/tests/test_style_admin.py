"""Uploading styles through the Wagtail admin: real files, verified by ml before anything is saved."""

from __future__ import annotations

import hashlib
import html
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from wagtail.models import Revision

from ml.weights import WeightsRejected, verify_weights
from shop.media import stored_names
from styling.curation import source_key
from styling.models import SamplesStatus, Style, StyleSample
from styling.sample_art import SAMPLE_NAMES
from styling.tests.factories import StyleFactory, manifest_state_dict_bytes

ADD_URL = "/cms/snippets/styling/style/add/"


@pytest.fixture
def admin_client(client: Client) -> Client:
    user = get_user_model().objects.create_superuser("curator", "c@retrocel.test", "pw-curator-1")
    client.force_login(user)
    return client


def gan_post(filename: str, payload: bytes, architecture: str = "animeganv2") -> dict:
    return {
        "name": "Paprika",
        "slug": "paprika",
        "summary": "Warm painted anime look.",
        "kind": "gan",
        "architecture": architecture,
        "builtin": "",
        "weights": SimpleUploadedFile(filename, payload, content_type="application/octet-stream"),
        "params": "{}",
        "provenance": "Trained by us for the test.",
        "licence": "Test licence",
        "commercial_use_allowed": "on",
        "is_enabled": "on",
        "sort_order": "3",
    }


def stored_style_files() -> list[str]:
    return stored_names(storages["private"], "styles")


def assert_nothing_saved() -> None:
    assert Style.objects.count() == 0
    assert Revision.objects.filter(content_type__model="style").count() == 0
    assert stored_style_files() == []


def expected_ml_message(tmp_path: Path, filename: str, payload: bytes, architecture: str) -> str:
    path = tmp_path / filename
    path.write_bytes(payload)
    with pytest.raises(WeightsRejected) as info:
        verify_weights(path, architecture)
    return info.value.message


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("filename", "payload_kind", "starts_with"),
    [
        ("cartoon.pt", "wrong_architecture", "These weights do not fit the AnimeGANv2 generator: "),
        ("cut.pt", "truncated", "'cut.pt' looks truncated or damaged"),
        ("notes.pt", "not_tensors", "'notes.pt' is not a PyTorch weights file."),
    ],
)
def test_bad_weights_are_rejected_with_ml_message_and_nothing_saved(
    admin_client: Client, tmp_path: Path, filename: str, payload_kind: str, starts_with: str
) -> None:
    # Given a file that is not usable AnimeGANv2 weights
    good = manifest_state_dict_bytes("animeganv2")
    payload = {
        "wrong_architecture": manifest_state_dict_bytes("cartoongan"),
        "truncated": good[: len(good) // 2],
        "not_tensors": b"these are my notes, not a checkpoint\n" * 20,
    }[payload_kind]
    message = expected_ml_message(tmp_path, filename, payload, "animeganv2")
    assert message.startswith(starts_with)
    # When a curator uploads it as an AnimeGANv2 style
    response = admin_client.post(ADD_URL, gan_post(filename, payload))
    # Then the form comes back with ml's message on the weights field, and nothing is stored
    assert response.status_code == 200
    assert html.escape(message) in response.content.decode()
    assert response.context["form"].errors["weights"] == [message]
    assert_nothing_saved()


@pytest.mark.django_db
def test_gan_style_without_architecture_is_rejected(admin_client: Client) -> None:
    data = gan_post("g.pt", manifest_state_dict_bytes("animeganv2"), architecture="")
    response = admin_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert response.context["form"].errors["architecture"] == [
        "Choose the architecture these weights are for."
    ]
    assert_nothing_saved()


@pytest.mark.django_db
def test_reference_style_with_a_non_image_is_rejected(admin_client: Client) -> None:
    data = gan_post("x.pt", b"")
    data.update(
        kind="reference",
        architecture="",
        weights="",
        reference_image=SimpleUploadedFile("waves.png", b"GIF89a not really a picture"),
    )
    response = admin_client.post(ADD_URL, data)
    assert response.status_code == 200
    errors = response.context["form"].errors["reference_image"]
    assert len(errors) == 1 and errors[0]
    assert_nothing_saved()


@pytest.mark.django_db
def test_classical_style_with_bad_params_is_rejected(admin_client: Client) -> None:
    data = gan_post("x.pt", b"")
    data.update(kind="classical", architecture="", weights="", builtin="retro-cel")
    data["params"] = '{"palette_size": 99}'
    response = admin_client.post(ADD_URL, data)
    assert response.context["form"].errors["params"] == [
        "retro-cel palette_size must be between 4 and 32"
    ]
    assert_nothing_saved()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_good_weights_are_accepted_hashed_and_samples_made_by_the_worker(
    admin_client: Client, celery_worker: object
) -> None:
    # Given AnimeGANv2-shaped weights (names and shapes from the public checkpoint manifest)
    payload = manifest_state_dict_bytes("animeganv2", seed=1)
    # When a curator uploads them
    response = admin_client.post(ADD_URL, gan_post("paprika.pt", payload))
    # Then the style is saved with the file's sha256 and its samples are queued
    assert response.status_code == 302, response.content.decode()[:2000]
    style = Style.objects.get(slug="paprika")
    assert style.weights_sha256 == hashlib.sha256(payload).hexdigest()
    assert style.weights.name.endswith("paprika.pt")
    assert (
        Revision.objects.filter(content_type__model="style", object_id=str(style.pk)).count() == 1
    )
    # ...and the real worker renders one before/after pair per sample photo
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        style.refresh_from_db()
        if style.samples_status in (SamplesStatus.DONE, SamplesStatus.FAILED):
            break
        time.sleep(0.5)
    assert (style.samples_status, style.samples_error) == (SamplesStatus.DONE, "")
    samples = StyleSample.objects.filter(style=style).order_by("sample_name")
    assert [s.sample_name for s in samples] == sorted(SAMPLE_NAMES)
    assert {s.source_sha256 for s in samples} == {source_key(style)}
    # The edit view shows them
    edit = admin_client.get(f"/cms/snippets/styling/style/edit/{style.pk}/").content.decode()
    assert samples[0].after.url in edit and style.weights_sha256 in edit


@pytest.mark.django_db
def test_edit_without_touching_the_source_does_not_reverify_or_requeue(
    admin_client: Client,
) -> None:
    style = StyleFactory(samples_status=SamplesStatus.DONE)
    url = f"/cms/snippets/styling/style/edit/{style.pk}/"
    data = {
        "name": "Renamed",
        "slug": style.slug,
        "summary": style.summary,
        "kind": "classical",
        "architecture": "",
        "builtin": "retro-cel",
        "params": "{}",
        "initial-params": "{}",  # the hidden initial the rendered form sends (callable default)
        "provenance": style.provenance,
        "licence": style.licence,
        "sort_order": "0",
        "is_enabled": "on",
        "commercial_use_allowed": "on",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302
    style.refresh_from_db()
    assert (style.name, style.samples_status) == ("Renamed", SamplesStatus.DONE)


@pytest.mark.django_db
def test_samples_panel_styles_come_from_a_stylesheet_not_style_attributes(
    admin_client: Client,
) -> None:
    style = StyleFactory(samples_status=SamplesStatus.DONE)
    edit = admin_client.get(f"/cms/snippets/styling/style/edit/{style.pk}/").content.decode()
    panel = edit[edit.index('<div class="style-samples-panel">') :]
    assert "styling/admin/samples.css" in edit
    assert 'style="' not in panel[: panel.index("</div>")]
