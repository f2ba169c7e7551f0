"""ml.imageio: every awkward upload is rejected with its code or normalised correctly."""

from __future__ import annotations

import io
import tracemalloc

import numpy as np
import pytest
from PIL import Image, ImageCms

from ml.imageio import ImageLimits, ImageRejected, open_image
from ml.testing.corpus import EXPECTED_ACCEPTED, bad_inputs, photo_like, png_bytes

CORPUS = bad_inputs()


@pytest.mark.parametrize(("name", "data", "code"), CORPUS, ids=[c[0] for c in CORPUS])
def test_corpus_outcome(name: str, data: bytes, code: str | None) -> None:
    if code is None:
        loaded = open_image(data)
        width, height, animated = EXPECTED_ACCEPTED[name]
        assert loaded.image.mode == "RGB"
        assert (loaded.width, loaded.height) == (width, height) == loaded.image.size
        assert loaded.animated is animated
    else:
        with pytest.raises(ImageRejected) as info:
            open_image(data)
        assert info.value.code == code
        assert info.value.message and "\n" not in info.value.message


def test_bomb_is_rejected_from_header_without_allocating() -> None:
    data = png_bytes(30000, 30000)
    tracemalloc.start()
    try:
        with pytest.raises(ImageRejected) as info:
            open_image(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert info.value.code == "too_many_pixels"
    assert "30000x30000" in info.value.message
    assert peak < 1_000_000


def test_exif_orientation_is_applied_to_pixels() -> None:
    data = {n: d for n, d, _ in CORPUS}["exif_rotated.jpg"]
    arr = np.asarray(open_image(data).image).astype(int)
    # Stored left=red/right=blue, orientation 6 -> displayed top=red/bottom=blue.
    assert arr[:40, :, 0].mean() > 180 and arr[:40, :, 2].mean() < 60
    assert arr[56:, :, 2].mean() > 180 and arr[56:, :, 0].mean() < 60


def test_transparency_is_composited_on_white() -> None:
    im = Image.new("RGBA", (80, 80), (255, 0, 0, 0))
    im.paste((0, 0, 255, 255), (0, 0, 40, 80))
    buf = io.BytesIO()
    im.save(buf, "PNG")
    out = open_image(buf.getvalue()).image
    assert out.getpixel((60, 40)) == (255, 255, 255)
    assert out.getpixel((10, 40)) == (0, 0, 255)


def test_sixteen_bit_png_keeps_its_colours() -> None:
    data = {n: d for n, d, _ in CORPUS}["rgb16.png"]
    out = np.asarray(open_image(data).image).astype(int)
    assert np.abs(out - photo_like().astype(int)).max() <= 1


def test_cmyk_jpeg_becomes_plausible_rgb() -> None:
    data = {n: d for n, d, _ in CORPUS}["cmyk.jpg"]
    out = np.asarray(open_image(data).image).astype(int)
    assert np.abs(out - photo_like().astype(int)).mean() < 12


def test_embedded_icc_profile_is_used() -> None:
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buf = io.BytesIO()
    Image.fromarray(photo_like()).save(buf, "PNG", icc_profile=icc)
    loaded = open_image(buf.getvalue())
    assert loaded.icc_converted
    assert np.abs(np.asarray(loaded.image).astype(int) - photo_like().astype(int)).max() <= 2


def test_sources_path_and_file_object(tmp_path) -> None:
    buf = io.BytesIO()
    Image.fromarray(photo_like()).save(buf, "PNG")
    path = tmp_path / "photo.png"
    path.write_bytes(buf.getvalue())
    assert open_image(path).format == "PNG"
    assert open_image(str(path)).width == 96
    with path.open("rb") as fh:
        assert open_image(fh).height == 80


def test_file_over_byte_limit_is_rejected_before_reading_it_all() -> None:
    class Stream(io.RawIOBase):
        asked: list[int] = []

        def read(self, n: int = -1) -> bytes:
            self.asked.append(n)
            return b"\xff" * (n if n > 0 else 10**6)

    stream = Stream()
    with pytest.raises(ImageRejected) as info:
        open_image(stream, limits=ImageLimits(max_bytes=1000))
    assert info.value.code == "too_large_file"
    assert stream.asked == [1001]


def test_other_formats_are_not_images() -> None:
    buf = io.BytesIO()
    Image.fromarray(photo_like()).save(buf, "PPM")
    with pytest.raises(ImageRejected) as info:
        open_image(buf.getvalue())
    assert info.value.code == "not_image"
