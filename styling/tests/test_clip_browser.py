"""Headless Chromium through the clip journey against a live server and a real worker.

upload a short clip (a shared photo panned across, made here) -> style -> live "frame i of n"
-> before/after playing in the reveal control -> download GIF and MP4 (decoded and checked)
-> pick a frame on the scrubber -> that frame styled -> on a mug -> cart. Screenshots go to
``test-artifacts/clip-journey/``.
"""

from __future__ import annotations

import io
from pathlib import Path

import av
import pytest
from django.conf import settings
from PIL import Image

from catalog.models import Variant
from catalog.tests.factories import seeded_mug
from devkit.browser import CHROMIUM, chromium
from ml.motion import decode_clip
from ml.testing import clips
from styling.models import Clip, Design, StylingJob
from styling.tests.factories import StyleFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "clip-journey"
PHOTO = "photos/sun80/canyon_sun_aokgdiugvxssbqyl.jpg"
SIZE = (480, 320)
FRAMES = 8


@pytest.fixture
def mug() -> Variant:
    return seeded_mug()


@pytest.fixture
def browser_page(monkeypatch):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()
    with chromium(viewport={"width": 1280, "height": 900}, accept_downloads=True) as context:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on(
            "console",
            lambda msg: (
                errors.append(f"{msg.text} {msg.location}") if msg.type == "error" else None
            ),
        )
        page.on(
            "response",
            lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        page.errors = errors  # type: ignore[attr-defined]
        yield page


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_clip_upload_progress_play_download_pick_a_frame_and_put_it_on_a_mug(
    live_server, celery_worker, shared_data: Path, browser_page, mug: Variant, tmp_path: Path
) -> None:
    page = browser_page
    StyleFactory(name="Retro cel", summary="90s cel animation: flat paint and ink lines.")
    frames = clips.panned(Image.open(shared_data / PHOTO), FRAMES, SIZE, still=2, step=6)
    clip_file = tmp_path / "pan.mp4"
    clip_file.write_bytes(clips.video_bytes(frames, 8, audio=True))

    # 1. The clip limits are on the upload page before anything is uploaded
    page.goto(f"{live_server.url}/create/")
    assert "up to 10 seconds and 20 MB" in page.inner_text("#clip-limits")
    page.set_input_files('input[type="file"]', str(clip_file))
    shot(page, "01-upload")
    page.click("#upload-submit")
    page.wait_for_url("**/create/uploads/*/")
    assert Clip.objects.get().frames == FRAMES

    # 2. Style it; the progress says which frame is being painted
    page.check('input[name="style"] >> nth=0')
    page.click("text=Style my photo")
    page.wait_for_url("**/create/jobs/*/")
    page.wait_for_function(
        "() => /Painting frame \\d+ of 8|Choosing the clip/.test(document.body.innerText)",
        timeout=120_000,
    )
    shot(page, "02-progress")
    page.wait_for_selector("#compare", timeout=300_000)
    clip_job = StylingJob.objects.get()
    assert clip_job.status == "done"

    # 3. Before and after play side by side in the reveal control: both load, and the picture
    #    changes over time (the pan), while the slider still reveals
    playing = (
        "() => ['clip-before', 'clip-after'].every(id => {"
        " const v = document.getElementById(id);"
        " return v.readyState >= 2 && !v.paused && v.videoWidth === 480 && v.currentTime > 0.3; })"
    )
    page.wait_for_function(playing, timeout=30_000)
    first = page.locator("#compare").screenshot()
    page.wait_for_timeout(400)
    second = page.locator("#compare").screenshot()
    assert first != second, "the before/after does not move"
    box = page.locator("#compare").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.5, steps=5)
    page.mouse.up()
    assert page.eval_on_selector("#compare-after", "el => el.style.clipPath").startswith(
        ("inset(0px 0px 0px 3", "inset(0 0 0 3")
    )
    shot(page, "03-before-after")

    # 4. Downloads: the GIF and the MP4 decode to 8 frames of 480x320 over 1 s
    with page.expect_download() as gif_dl:
        page.click("#download-gif")
    gif = decode_clip(Path(gif_dl.value.path()).read_bytes())
    # (GIF counts time in 10 ms ticks: 125 ms frames are stored as 120 and 130 ms)
    assert (len(gif.frames), gif.size) == (FRAMES, SIZE)
    assert gif.seconds == pytest.approx(1.0, abs=0.02)
    with page.expect_download() as mp4_dl:
        page.click("#download-mp4")
    assert mp4_dl.value.suggested_filename.endswith(".mp4")
    with av.open(io.BytesIO(Path(mp4_dl.value.path()).read_bytes())) as c:
        video = c.streams.video[0]
        assert (video.codec_context.name, video.width, video.height) == ("h264", *SIZE)
        assert float(video.duration * video.time_base) == pytest.approx(1.0)
        assert sum(1 for _ in c.decode(video=0)) == FRAMES
        assert len(c.streams.audio) == 1

    # 5. The scrubber: a thumbnail picks frame 6, the preview and the label follow
    page.click('.frame-thumb[data-frame="5"]')
    assert page.inner_text("#frame-label") == "Frame 6 of 8"
    page.wait_for_function(
        "() => { const p = document.getElementById('frame-preview');"
        " return p.src.endsWith('/frames/5.png') && p.complete && p.naturalWidth > 0; }"
    )
    assert page.input_value("#frame-input") == "5"
    shot(page, "04-frame-picker")

    # 6. That frame becomes the picture: styled like the clip, then placed on a mug as any photo
    page.click("#pick-frame")
    page.wait_for_url(lambda url: "/create/jobs/" in url and str(clip_job.pk) not in url)
    page.wait_for_selector("#compare", timeout=120_000)
    frame_job = StylingJob.objects.exclude(pk=clip_job.pk).get()
    assert (frame_job.upload.width, frame_job.upload.height) == SIZE
    assert frame_job.upload.original_filename == "pan-frame-6.png"
    shot(page, "05-frame-styled")
    page.click("#place-link")
    page.wait_for_url("**/place/")
    page.select_option('select[name="variant"]', str(mug.pk))
    page.wait_for_selector("#quality.is-ok", timeout=30_000)
    page.wait_for_function(
        "() => { const m = document.getElementById('mockup'); return m.complete && m.naturalWidth > 0; }",
        timeout=30_000,
    )
    shot(page, "06-on-a-mug")
    page.click("#add-design")
    page.wait_for_url("**/cart/")
    assert "Added to your cart (1 × Ceramic mug – 11 oz)" in page.content()
    shot(page, "07-cart")
    design = Design.objects.get()
    assert design.job == frame_job and design.variant == mug
    assert [e for e in page.errors if "/favicon.ico" not in e] == []  # type: ignore[attr-defined]
