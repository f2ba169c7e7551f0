"""Style generator weights trained by Retrocel and shipped inside the package.

Each file has a model card (``MODEL_CARD.md``) whose sha256 line is checked
by the tests, so a retrained file cannot ship without its card being updated.
"""

from __future__ import annotations

import re
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: Half-width AnimeGANv2 student of the built-in ``anime-cel`` renderer (``ml.train_style``).
RETROCEL_ANIME_V1 = HERE / "retrocel_anime_v1.pt"
RETROCEL_ANIME_V1_ARCH = "animeganv2_half"
MODEL_CARD = HERE / "MODEL_CARD.md"


def card_sha256(filename: str = RETROCEL_ANIME_V1.name) -> str:
    """The sha256 the model card states for ``filename`` (a ``| sha256 | `hex` |`` row after its heading)."""
    text = MODEL_CARD.read_text()
    section = text.split(f"`{filename}`", 1)[1]
    match = re.search(r"\|\s*sha256\s*\|\s*`([0-9a-f]{64})`", section)
    if not match:
        raise ValueError(f"{MODEL_CARD} has no sha256 row for {filename}")
    return match.group(1)
