"""RDN shapes and structure on tiny configs (CPU, milliseconds)."""

import subprocess
import sys

import pytest
import torch

from ml.sr.rdn import RDN, RDNConfig

TINY = {"G0": 8, "D": 2, "C": 2, "G": 4}


@pytest.mark.parametrize("scale", [2, 3, 4])
@pytest.mark.parametrize(("h", "w"), [(7, 9), (16, 16), (13, 5)])
def test_output_is_scale_times_the_input(scale, h, w):
    model = RDN(scale=scale, **TINY).eval()

    with torch.inference_mode():
        out = model(torch.rand(2, 3, h, w))

    assert out.shape == (2, 3, h * scale, w * scale)


def test_image_residual_variant_keeps_shapes_and_adds_no_parameters():
    plain, skip = RDN(scale=4, **TINY), RDN(scale=4, image_residual=True, **TINY)

    with torch.inference_mode():
        out = skip(torch.rand(1, 3, 5, 6))

    assert out.shape == (1, 3, 20, 24)
    assert sum(p.numel() for p in plain.parameters()) == sum(p.numel() for p in skip.parameters())


def test_module_names_mirror_the_paper():
    model = RDN(scale=2, **TINY)

    top = {name.split(".")[0] for name, _ in model.named_parameters()}

    assert top == {"SFENet1", "SFENet2", "RDBs", "GFF", "UPNet"}
    assert len(model.RDBs) == TINY["D"]
    assert len(model.RDBs[0].convs) == TINY["C"]
    assert model.RDBs[0].LFF.kernel_size == (1, 1)
    assert model.GFF[0].kernel_size == (1, 1) and model.GFF[1].kernel_size == (3, 3)


def test_config_round_trips_and_rejects_unknown_scale():
    cfg = RDNConfig(scale=3, **TINY)

    assert RDNConfig(**cfg.to_dict()) == cfg
    with pytest.raises(ValueError, match="scales"):
        RDN(scale=5, **TINY)


def test_importing_ml_sr_does_not_import_django():
    code = (
        "import sys, ml.sr, ml.sr.data, ml.metrics, ml.train, ml.eval;"
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules)"
    )

    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
