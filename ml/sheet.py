"""Contact sheet: every available style on a few photos, one row per photo."""

from __future__ import annotations

import logging
from pathlib import Path

from PIL import Image, ImageDraw

from ml.imageio import open_image
from ml.styles import BUILTIN_STYLES, StyleSpec, load_style

log = logging.getLogger(__name__)

SHARED_PHOTOS = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "photos"
#: The default sheet (and the speck bench): people, animals on texture, landscapes, city.
SHEET_PHOTOS = (
    "bsd68/189080.png",  # a man in a fez: a frontal face
    "bsd68/157055.png",  # two people at a table
    "bsd68/105025.png",  # the lion: fur on rock
    "bsd68/108005.png",  # a tiger in foliage
    "sun80/beach_sun_bgtlposotyokcsdg.jpg",  # sky, sea and sand
    "sun80/boardwalk_sun_bskwjtamytupzwah.jpg",  # foliage and planks
    "sun80/street_sun_bkgpqbvgorkjqzgp.jpg",  # city street
)


def shipped_generators() -> list[tuple[str, StyleSpec]]:
    """Generators whose weights ship inside the package (our own, trained by ``ml.train style``)."""
    from ml.styles_weights import RETROCEL_ANIME_V1, RETROCEL_ANIME_V1_ARCH

    if not RETROCEL_ANIME_V1.is_file():
        return []
    spec = StyleSpec(
        kind="gan", architecture=RETROCEL_ANIME_V1_ARCH, weights=str(RETROCEL_ANIME_V1)
    )
    return [("retrocel-anime-v1", spec)]


def available_specs(
    photos: list[Path], weights: list[tuple[str, str]]
) -> list[tuple[str, StyleSpec]]:
    specs = [(name, StyleSpec(kind="classical", builtin=name)) for name in BUILTIN_STYLES]
    specs += shipped_generators()
    specs += [
        (f"{arch}", StyleSpec(kind="gan", architecture=arch, weights=path))
        for arch, path in weights
    ]
    try:
        from ml.reference import model_dir

        if (model_dir() / "arbitrary_transform.onnx").is_file() and len(photos) > 1:
            # The last photo doubles as a reference picture for the reference style.
            specs.append(("reference", StyleSpec(kind="reference", reference=str(photos[-1]))))
    except Exception as exc:  # a missing optional network only drops its column
        log.warning("reference style unavailable: %s", exc)
    return specs


def render_sheet(
    photo_dir: Path, *, count: int = 4, tile: int = 384, weights: list[tuple[str, str]] | tuple = ()
) -> Image.Image:
    chosen = [photo_dir / p for p in SHEET_PHOTOS if (photo_dir / p).is_file()][:count]
    if not chosen:  # another folder: spread the pick over it
        paths = sorted(
            p for p in photo_dir.rglob("*") if p.suffix.lower() in {".jpg", ".jpeg", ".png"}
        )
        if not paths:
            raise FileNotFoundError(f"no photos under {photo_dir}")
        step = max(1, len(paths) // count)
        chosen = paths[::step][:count]
    specs = available_specs(chosen, list(weights))
    columns = [("photo", None), *specs]
    label = 18
    sheet = Image.new("RGB", (len(columns) * tile, label + len(chosen) * tile), "white")
    draw = ImageDraw.Draw(sheet)
    for c, (name, _) in enumerate(columns):
        draw.text((c * tile + 4, 3), name, fill="black")
    for r, path in enumerate(chosen):
        photo = open_image(path).image
        photo.thumbnail((tile, tile), Image.Resampling.LANCZOS)
        for c, (_name, spec) in enumerate(columns):
            out = photo if spec is None else load_style(spec)(photo, size=max(photo.size))
            sheet.paste(
                out,
                (c * tile + (tile - out.width) // 2, label + r * tile + (tile - out.height) // 2),
            )
    return sheet
