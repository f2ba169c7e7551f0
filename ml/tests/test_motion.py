"""ml.motion: decoding every clip kind, the limits, the encoders and temporal stability.

Clips are made in code from a shared photo (panned, or a disc crossing a still camera).
"""

from __future__ import annotations

import io
from fractions import Fraction

import av
import numpy as np
import pytest
from PIL import Image

from ml.motion import (
    ClipLimits,
    ClipRejected,
    clip_spec,
    decode_clip,
    flicker,
    is_clip,
    probe,
    source_frame,
    stabilise,
    write_gif,
    write_mp4,
    write_webp,
)
from ml.styles import StyleSpec, load_style
from ml.testing import clips
from ml.tests.conftest import PHOTOS

PHOTO = PHOTOS / "sun80" / "abbey_sun_asztnlqhlrvirneh.jpg"


@pytest.fixture(scope="module")
def photo() -> Image.Image:
    return Image.open(PHOTO).convert("RGB")


@pytest.fixture(scope="module")
def frames(photo: Image.Image) -> list[Image.Image]:
    return clips.panned(photo, 12, (160, 120), still=4)


def _mp4_streams(data: bytes) -> dict[str, tuple[str, float, int]]:
    with av.open(io.BytesIO(data)) as c:
        out = {}
        for s in c.streams:
            frames = sum(1 for _ in c.decode(s)) if s.type == "video" else 0
            c.seek(0)
            out[s.type] = (s.codec_context.name, float(s.duration * s.time_base), frames)
        return out


# -- decoding ----------------------------------------------------------------------------------


def test_mp4_with_audio_decodes_to_even_frames_at_its_rate(frames):
    data = clips.video_bytes(frames, 12, audio=True)
    info = probe(data)
    clip = decode_clip(data)
    assert (info.format, info.frames, info.has_audio) == ("mp4", 12, True)
    assert info.seconds == pytest.approx(1.0)
    assert len(clip.frames) == 12 and clip.fps == 12 and clip.seconds == pytest.approx(1.0)
    assert clip.size == (160, 120) and clip.has_audio


def test_webm_vp9_decodes(frames):
    clip = decode_clip(clips.video_bytes(frames, 12, container="webm", codec="libvpx-vp9"))
    assert (len(clip.frames), clip.fps, clip.format) == (12, 12, "matroska")


def test_frame_rate_is_capped_and_timing_kept(frames):
    clip = decode_clip(clips.video_bytes(frames * 4, 60), ClipLimits(max_fps=30))
    assert clip.fps == 30 and len(clip.frames) == 24  # 48 frames at 60 fps = 0.8 s


def test_long_side_is_scaled_to_the_working_size_with_even_sides(photo):
    big = clips.panned(photo, 4, (802, 602))
    clip = decode_clip(clips.video_bytes(big, 8), ClipLimits(size=255))
    assert clip.size == (256, 192) and clip.source_size == (802, 602)


@pytest.mark.parametrize("fmt", ["GIF", "WEBP", "PNG"])
def test_animated_images_decode_with_their_timing(frames, fmt):
    buf = io.BytesIO()
    frames[0].save(buf, format=fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)
    data = buf.getvalue()
    assert is_clip(data)
    clip = decode_clip(data)
    assert (len(clip.frames), clip.fps, clip.size) == (12, 10, (160, 120))


def test_a_still_picture_is_not_a_clip(frames):
    buf = io.BytesIO()
    frames[0].save(buf, format="GIF")
    assert not is_clip(buf.getvalue())
    with pytest.raises(ClipRejected) as err:
        decode_clip(buf.getvalue())
    assert err.value.code == "not_clip"


# -- bad input ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bad_inputs(frames: list[Image.Image]) -> dict[str, tuple[bytes, str]]:
    mp4 = clips.video_bytes(frames, 12)
    gif = clips.gif_bytes(frames)
    return {
        "empty": (b"", "empty"),
        "text": (b"hello, this is not a video at all" * 10, "not_clip"),
        "truncated_mp4": (mp4[: len(mp4) // 2], "truncated"),
        "truncated_gif": (gif[: len(gif) // 2], "truncated"),
        "corrupt_mp4_body": (b"\x00\x00\x00\x18ftypmp42" + b"\x07" * 4000, "truncated"),
        "mjpeg_mov": (
            clips.video_bytes(frames[:4], 12, container="mov", codec="mjpeg"),
            "unsupported_codec",
        ),
        "too_long": (clips.video_bytes(frames * 11, 12), "too_long"),
        "gif_bomb_canvas": (clips.gif_huge_canvas(), "frame_too_large"),
        "gif_5k_canvas": (clips.gif_huge_canvas(5000, 5000), "frame_too_large"),
        "gif_thousands_of_frames": (clips.gif_many_frames(3000), "too_many_frames"),
        "zero_frames": (clips.audio_only_mp4(), "no_frames"),
    }


@pytest.mark.parametrize(
    "name",
    [
        "empty",
        "text",
        "truncated_mp4",
        "truncated_gif",
        "corrupt_mp4_body",
        "mjpeg_mov",
        "too_long",
        "gif_bomb_canvas",
        "gif_5k_canvas",
        "gif_thousands_of_frames",
        "zero_frames",
    ],
)
def test_bad_clips_get_a_clear_rejection(bad_inputs, name):
    data, code = bad_inputs[name]
    with pytest.raises(ClipRejected) as err:
        decode_clip(data)
    assert err.value.code == code
    assert err.value.message.endswith(".") and len(err.value.message) > 15


def test_duration_is_enforced_while_decoding_when_the_header_cannot_say(frames):
    gif = clips.gif_bytes(frames, 200)  # 2.4 s; GIF headers carry no total duration
    assert probe(gif).seconds == 0.0
    with pytest.raises(ClipRejected) as err:
        decode_clip(gif, ClipLimits(max_seconds=2.0))
    assert err.value.code == "too_long"


def test_total_pixels_are_refused_from_the_header(frames):
    with pytest.raises(ClipRejected) as err:
        probe(clips.gif_bytes(frames), ClipLimits(max_total_pixels=160 * 120 * 10))
    assert err.value.code == "too_many_pixels"


# -- encoders ----------------------------------------------------------------------------------


def test_gif_has_the_frames_size_and_duration(frames):
    data = write_gif(frames, Fraction(12))
    with Image.open(io.BytesIO(data)) as im:
        assert (im.n_frames, im.size) == (12, (160, 120))
        total = 0
        for i in range(im.n_frames):
            im.seek(i)
            total += im.info["duration"]
    assert total == 1000


def test_gif_with_one_palette_is_smaller_than_per_frame_palettes(frames):
    ours = write_gif(frames, Fraction(12))
    buf = io.BytesIO()  # Pillow's default: an adaptive palette and dithering per frame
    frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:], duration=83)
    assert len(ours) < len(buf.getvalue())


def test_webp_round_trips(frames):
    clip = decode_clip(write_webp(frames, Fraction(12)))
    assert (len(clip.frames), clip.size) == (12, (160, 120))
    assert clip.seconds == pytest.approx(1.0, abs=0.02)


def test_mp4_is_h264_yuv420p_and_keeps_the_source_audio(frames):
    source = clips.video_bytes(frames, 12, audio=True)
    data = write_mp4(frames, Fraction(12), audio_from=source)
    streams = _mp4_streams(data)
    assert streams["video"][0] == "h264" and streams["video"][2] == 12
    assert streams["video"][1] == pytest.approx(1.0)
    assert streams["audio"][0] == "aac" and streams["audio"][1] == pytest.approx(1.0, abs=0.05)
    with av.open(io.BytesIO(data)) as c:
        assert c.streams.video[0].codec_context.pix_fmt == "yuv420p"


def test_mp4_without_source_audio_has_none(frames):
    assert "audio" not in _mp4_streams(write_mp4(frames, Fraction(12)))


# -- stability ---------------------------------------------------------------------------------


def test_stable_styling_flickers_a_fraction_of_naive_and_still_moves(photo):
    sources = clips.sprite_over_still(photo, 6, (192, 128))
    spec = StyleSpec(kind="classical", builtin="retro-cel")
    naive_style = load_style(spec)
    naive = [naive_style(f, size=192) for f in sources]
    fixed = clip_spec(spec, sources, lambda f: naive_style(f, size=192))
    assert len(fixed.palette) == 18 and spec.palette == ()
    styled = [load_style(fixed)(f, size=192) for f in sources]
    stable = list(stabilise(sources, styled))

    naive_flicker, stable_flicker = flicker(sources, naive), flicker(sources, stable)
    assert naive_flicker > 1.0
    assert stable_flicker < 0.25 * naive_flicker
    # The disc keeps moving: where it is now, the stable frame is the new styled frame.
    disc = np.asarray(sources[-1], dtype=int)
    red = (disc[..., 0] > 150) & (disc[..., 1] < 90)
    assert red.sum() > 200
    assert np.array_equal(np.asarray(stable[-1])[red], np.asarray(styled[-1])[red])


def test_clip_spec_leaves_network_styles_and_set_palettes_alone():
    with_palette = StyleSpec(kind="classical", builtin="retro-cel", palette=((1, 2, 3),))
    assert clip_spec(with_palette, [], lambda f: f) is with_palette


def test_source_frame_is_the_same_instant_at_full_size(photo):
    big = clips.panned(photo, 8, (640, 480), step=6)
    data = clips.video_bytes(big, 8)
    small = decode_clip(data, ClipLimits(size=160)).frames[5]
    full = source_frame(data, 5, ClipLimits(size=160))
    assert full.size == (640, 480)
    back = np.asarray(full.resize(small.size, Image.Resampling.BOX), dtype=float)
    assert np.abs(back - np.asarray(small, dtype=float)).mean() < 4
    with pytest.raises(IndexError):
        source_frame(data, 8)
