"""Train RDN: ``python -m ml.train rdn --data DIR [DIR ...] --scale 4 --out runs/x4``.

(``python -m ml.train style ...`` trains a style student instead; see ``ml.train_style``.)

PSNR-oriented recipe of the paper, shrunk to fit a CPU: L1 loss on random
aligned LR/HR patches (LR = PIL bicubic of the HR image, as in ``ml.eval``),
flips and 90-degree rotations, Adam, cosine learning-rate decay. A checkpoint
(model + optimiser + schedule + step) is written every ``--ckpt-every`` steps
and at the end; ``--resume`` continues from ``OUT/last.pt``. Progress goes to
stdout and to ``OUT/log.csv``. Never pass Set5 (or any benchmark) as --data.
"""

from __future__ import annotations

import argparse
import csv
import logging
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from ml.device import pick_device
from ml.sr.data import PairBank
from ml.sr.rdn import RDN, RDNConfig

log = logging.getLogger(__name__)


def export_weights(model: RDN, path: Path) -> None:
    """Write the shippable form: ``{"config": {...}, "state_dict": {...}}`` in float32."""
    state = {k: v.detach().float().cpu().contiguous() for k, v in model.state_dict().items()}
    torch.save({"config": model.config.to_dict(), "state_dict": state}, path)


def _lr_at(step: int, progress: float, base: float, warmup: int, schedule: str) -> float:
    """Learning rate at ``progress`` in [0, 1] of the run (steps or wall time, whichever is further)."""
    if step < warmup:
        return base * (step + 1) / warmup
    if schedule == "step":
        return base * (0.5 ** min(3, int(progress * 4)))
    return base * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress))))


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m ml.train", description=__doc__)
    p.add_argument("arch", choices=["rdn"], help="rdn (or: style, see ml.train_style)")
    p.add_argument("--data", type=Path, nargs="+", required=True, help="folders of HR photos")
    p.add_argument("--out", type=Path, required=True, help="run folder (checkpoints, log.csv)")
    p.add_argument("--scale", type=int, default=4, choices=[2, 3, 4])
    p.add_argument("--D", type=int, default=4)
    p.add_argument("--C", type=int, default=4)
    p.add_argument("--G", type=int, default=24)
    p.add_argument("--G0", type=int, default=32)
    p.add_argument("--image-residual", action="store_true", help="add bicubic input skip")
    p.add_argument("--init", type=Path, help="start from these weights (e.g. a x2 model)")
    p.add_argument("--patch", type=int, default=32, help="LR patch size")
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--iters", type=int, default=2000)
    p.add_argument(
        "--max-minutes",
        type=float,
        default=None,
        help="wall-time budget: the schedule follows max(step, time) progress and stops at the budget",
    )
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--warmup", type=int, default=50)
    p.add_argument("--schedule", choices=["cosine", "step"], default="cosine")
    p.add_argument("--rescales", type=float, nargs="+", default=[1.0, 0.7])
    p.add_argument("--ckpt-every", type=int, default=200)
    p.add_argument("--log-every", type=int, default=20)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default=None, help="cpu or cuda (default: auto)")
    p.add_argument("--resume", action="store_true", help="continue from OUT/last.pt")
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["style"]:
        from ml.train_style import main as train_style

        return train_style(argv[1:])
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    args.out.mkdir(parents=True, exist_ok=True)
    dev = pick_device(args.device)
    torch.use_deterministic_algorithms(False)  # speed over bitwise repeatability in training
    torch.manual_seed(args.seed)

    config = RDNConfig(
        scale=args.scale, G0=args.G0, D=args.D, C=args.C, G=args.G,
        image_residual=args.image_residual,
    )  # fmt: skip
    model = RDN(config).to(dev.device)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr, betas=(0.9, 0.999))
    start = 0
    prior_elapsed = 0.0
    last = args.out / "last.pt"
    if args.resume and last.exists():
        ckpt = torch.load(last, map_location=dev.device, weights_only=True)
        prior_elapsed = float(ckpt.get("elapsed_s", 0.0))
        if RDNConfig(**ckpt["config"]) != config:
            raise SystemExit(f"--resume: {last} has config {ckpt['config']}, not {config}")
        model.load_state_dict(ckpt["state_dict"], strict=True)
        opt.load_state_dict(ckpt["optimizer"])
        start = int(ckpt["step"])
        log.info("Resumed from %s at step %d", last, start)
    elif args.init:
        init = torch.load(args.init, map_location=dev.device, weights_only=True)
        # Everything but the upsampler transfers between scales.
        state = {k: v for k, v in init["state_dict"].items() if not k.startswith("UPNet")}
        missing, _ = model.load_state_dict(state, strict=False)
        log.info(
            "Initialised from %s; fresh: %s", args.init, sorted({m.split(".")[0] for m in missing})
        )

    n_params = sum(p.numel() for p in model.parameters())
    log.info("RDN %s, %d parameters, device %s", config, n_params, dev.device)
    bank = PairBank.from_folders(args.data, args.scale, args.rescales)
    rng = np.random.default_rng([args.seed, start])

    csv_path = args.out / "log.csv"
    new_csv = not csv_path.exists() or start == 0
    csv_file = csv_path.open("w" if new_csv else "a", newline="")
    writer = csv.writer(csv_file)
    if new_csv:
        writer.writerow(["step", "loss_l1", "psnr_rgb_batch", "lr", "elapsed_s", "steps_per_s"])

    def save(step: int) -> None:
        torch.save(
            {"config": config.to_dict(), "state_dict": model.state_dict(),
             "optimizer": opt.state_dict(), "step": step,
             "elapsed_s": prior_elapsed + time.perf_counter() - t0},
            last,
        )  # fmt: skip
        export_weights(model, args.out / f"rdn_x{args.scale}_step{step:06d}.pt")
        log.info("Checkpoint at step %d", step)

    model.train()
    t0 = time.perf_counter()
    run_loss, run_mse, run_n = 0.0, 0.0, 0
    budget_s = args.max_minutes * 60 if args.max_minutes else None
    step = start
    for step in range(start, args.iters):
        elapsed_total = prior_elapsed + time.perf_counter() - t0
        progress = step / args.iters
        if budget_s:
            progress = max(progress, elapsed_total / budget_s)
            if progress >= 1.0:
                log.info("Time budget reached at step %d", step)
                break
        lr_now = _lr_at(step, progress, args.lr, args.warmup, args.schedule)
        for group in opt.param_groups:
            group["lr"] = lr_now
        lr_b, hr_b = bank.sample(args.batch, args.patch, rng)
        lr_b, hr_b = lr_b.to(dev.device), hr_b.to(dev.device)
        sr = model(lr_b)
        loss = F.l1_loss(sr, hr_b)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        run_loss += loss.item()
        run_mse += F.mse_loss(sr.detach().clamp(0, 1), hr_b).item()
        run_n += 1
        done = step + 1
        if done % args.log_every == 0 or done == args.iters:
            elapsed = time.perf_counter() - t0
            rate = (done - start) / elapsed
            psnr = 10 * math.log10(1 / max(run_mse / run_n, 1e-12))
            row = [
                done,
                f"{run_loss / run_n:.5f}",
                f"{psnr:.2f}",
                f"{lr_now:.2e}",
                f"{prior_elapsed + elapsed:.0f}",
                f"{rate:.3f}",
            ]
            writer.writerow(row)
            csv_file.flush()
            print(
                f"step {done}/{args.iters} loss {row[1]} psnr {row[2]} lr {row[3]} {rate:.2f} it/s",
                flush=True,
            )
            run_loss, run_mse, run_n = 0.0, 0.0, 0
        if done % args.ckpt_every == 0 or done == args.iters:
            save(done)
    else:
        step = args.iters
    if step != args.iters:
        save(step)
    csv_file.close()
    export_weights(model, args.out / f"rdn_x{args.scale}.pt")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
