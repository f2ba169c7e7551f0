"""Headers that claim more than the data holds, and the per-process decode memory budget."""

from __future__ import annotations

import io
import struct
import threading

import numpy as np
import pytest
from PIL import Image

from ml import imageio
from ml.imageio import DecodeBudget, ImageRejected, open_image
from ml.testing.corpus import photo_like


def lying_jpeg(claimed: tuple[int, int] = (6000, 6000)) -> bytes:
    """A real 200x200 JPEG whose frame header says ``claimed`` (the issue's 36 MP grey image)."""
    rng = np.random.default_rng(0)
    buf = io.BytesIO()
    Image.fromarray(rng.integers(0, 255, (200, 200), dtype=np.uint8), "L").save(
        buf, "JPEG", quality=10
    )
    data = bytearray(buf.getvalue())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", claimed[1], claimed[0])
    return bytes(data)


def encoded(image: Image.Image, fmt: str, **options: object) -> bytes:
    buf = io.BytesIO()
    image.save(buf, fmt, **options)
    return buf.getvalue()


def test_tiny_jpeg_claiming_36_megapixels_is_refused_before_decoding() -> None:
    data = lying_jpeg()
    assert len(data) < 10_000
    with pytest.raises(ImageRejected) as info:
        open_image(data)
    assert info.value.code == "incomplete"
    assert "claims to be 6000x6000 pixels" in info.value.message
    assert imageio.decode_budget.in_use == 0


@pytest.mark.parametrize(
    ("fmt", "options"),
    [
        ("JPEG", {"quality": 95}),
        ("JPEG", {"quality": 5, "optimize": True, "progressive": True}),
        ("PNG", {"optimize": True}),
        ("GIF", {}),
        ("WEBP", {"lossless": True}),
        ("WEBP", {"quality": 10}),
        ("TIFF", {"compression": "tiff_deflate"}),
    ],
)
def test_complete_flat_images_pass_the_coverage_floor(fmt: str, options: dict) -> None:
    # A single flat colour is the most compressible complete image there is.
    flat = Image.new("L", (3000, 2000), 128)
    loaded = open_image(encoded(flat, fmt, **options))
    assert (loaded.width, loaded.height) == (3000, 2000)


def test_budget_never_holds_more_than_its_limit_across_threads() -> None:
    budget = DecodeBudget(limit_bytes=100)
    inside = threading.Barrier(2, timeout=5)
    errors: list[BaseException] = []

    def hold(nbytes: int) -> None:
        try:
            with budget.reserve(nbytes):
                inside.wait() if nbytes == 30 else None
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=hold, args=(n,)) for n in (30, 30, 60, 60, 60)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert not errors
    assert budget.peak <= 100
    assert budget.in_use == 0


def test_parallel_decodes_share_the_process_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a budget that fits one 800x600 decode at a time
    one = 800 * 600 * imageio.PEAK_BYTES_PER_PIXEL
    budget = DecodeBudget(limit_bytes=one)
    monkeypatch.setattr(imageio, "decode_budget", budget)
    data = encoded(Image.fromarray(photo_like(800, 600)), "JPEG", quality=90)
    results: list[tuple[int, int]] = []

    def decode() -> None:
        results.append(open_image(data).image.size)

    threads = [threading.Thread(target=decode) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    # Then every decode finished, one at a time
    assert results == [(800, 600)] * 6
    assert budget.peak == one
    assert budget.in_use == 0


def test_a_decode_that_waits_too_long_is_told_to_retry() -> None:
    budget = DecodeBudget(limit_bytes=10)
    with budget.reserve(10), pytest.raises(ImageRejected) as info, budget.reserve(5, timeout=0.1):
        pass
    assert info.value.code == "busy"
    assert budget.in_use == 0
