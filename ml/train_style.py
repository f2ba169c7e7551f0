"""Train a style student: ``python -m ml.train style --teacher anime-cel --data DIR... --out runs/X``.

The student is an AnimeGANv2 generator (``ml.archs``; half width by default,
``--arch``), so its weights run through the ordinary GAN path
(``StyleSpec(kind="gan", architecture="animeganv2_half")``,
strict weights-only loading, GPU and half precision in the worker). It learns
from paired examples: each training photo is rendered once by the teacher (a
built-in style, see ``ml.style_data``) and random aligned crops of (photo,
teacher output), mirrored at random, are the inputs and targets.

Loss (``ml.style_losses``): Oklab L1 + ``--edge-weight`` x gradient L1 +
``--adv-weight`` x hinge loss of a conditional PatchGAN, the adversarial
term switched on after ``--adv-start`` of the run so the generator first
learns colours and layout from the paired loss. Adam (0.5, 0.99), linear
warm-up then cosine decay driven by max(step, wall-time) progress, so a
``--minutes`` budget ends at the bottom of the schedule.

``OUT/last.pt`` (generator, discriminator, optimisers, step, elapsed time) is
written every ``--ckpt-every`` steps, at the end and on SIGTERM/SIGINT;
``--resume`` continues from it. ``OUT/log.csv`` gets a row every
``--log-every`` steps and stdout a progress line. The shippable weights are
``OUT/student.pt``: a plain float16 state dict in the published AnimeGANv2 layout.

Speed: the networks run channels-last under bfloat16 autocast by default
(``--precision``); on this project's 2-core Xeon (AMX) a step of 2x128x128
crops took 0.69 CPU-seconds instead of 2.1 in NCHW float32. Losses are
computed in float32 (Oklab's cube root is not safe in bfloat16).
"""

from __future__ import annotations

import argparse
import csv
import logging
import math
import signal
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from ml.archs import ARCHITECTURES, build_architecture
from ml.device import pick_device
from ml.gan import run_generator
from ml.style_data import StylePairs, TrainingDataRefused, builtin_teacher, training_files
from ml.style_losses import PatchDiscriminator, d_hinge, edge_l1, g_hinge, oklab_l1

log = logging.getLogger(__name__)

#: Architectures a student may have: the AnimeGANv2 topology, at published or half width.
STUDENT_ARCHS = ("animeganv2_half", "animeganv2")
CSV_HEADER = [
    "step", "loss_g", "loss_oklab", "loss_edge", "loss_adv_g", "loss_d",
    "psnr_vs_teacher", "lr", "elapsed_s", "steps_per_s", "crop",
]  # fmt: skip


def export_student(model: nn.Module, path: Path, dtype: torch.dtype = torch.float16) -> None:
    """Write the shippable form: a plain state dict (published layout) in ``dtype``.

    float16 halves the file (4.3 MB instead of 8.6 MB); ``ml.weights`` loads it
    back as float32 on the CPU, and the GPU worker runs in float16 anyway.
    """
    state = {k: v.detach().to("cpu", dtype).contiguous() for k, v in model.state_dict().items()}
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    tmp.replace(path)


def lr_at(step: int, progress: float, base: float, warmup: int) -> float:
    """Linear warm-up, then cosine from ``base`` down to 2% of it at ``progress`` 1."""
    if step < warmup:
        return base * (step + 1) / warmup
    return base * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress))))


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m ml.train style", description=__doc__)
    p.add_argument(
        "--teacher",
        required=True,
        help="built-in style to imitate, e.g. anime-cel; 'identity' for a reconstruction warm-up",
    )
    p.add_argument(
        "--arch",
        choices=STUDENT_ARCHS,
        default=STUDENT_ARCHS[0],
        help="student width: half (the shipped students: faster than the teacher on a CPU) or published",
    )
    p.add_argument("--data", type=Path, nargs="+", required=True, help="photo folders or files")
    p.add_argument("--out", type=Path, required=True, help="run folder (checkpoints, log.csv)")
    p.add_argument("--cache", type=Path, default=None, help="teacher cache (default OUT/teacher)")
    p.add_argument("--sizes", type=int, nargs="+", default=[512], help="working long sides")
    p.add_argument("--max-photos", type=int, default=None, help="use this many, evenly spaced")
    p.add_argument("--crop", type=int, default=256)
    p.add_argument(
        "--early-crop",
        type=int,
        default=None,
        help="smaller crops for the first --early-until of the run: more, cheaper steps early",
    )
    p.add_argument("--early-until", type=float, default=0.5, help="fraction of the run")
    p.add_argument("--init", type=Path, help="start the generator from these student weights")
    p.add_argument("--batch", type=int, default=2)
    p.add_argument("--iters", type=int, default=1000)
    p.add_argument("--minutes", type=float, default=None, help="wall-time budget for training")
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--warmup", type=int, default=20)
    p.add_argument("--edge-weight", type=float, default=1.0)
    p.add_argument("--adv-weight", type=float, default=0.02)
    p.add_argument("--adv-start", type=float, default=0.3, help="fraction of the run")
    p.add_argument("--ckpt-every", type=int, default=25)
    p.add_argument("--log-every", type=int, default=5)
    p.add_argument(
        "--workers", type=int, default=1,
        help="processes that render the teacher cache (one photo each, one thread each)",
    )  # fmt: skip
    p.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    p.add_argument(
        "--precision",
        choices=["bf16", "fp32"],
        default="bf16",
        help="autocast the networks to bfloat16 (losses and weights stay float32)",
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default=None, help="cpu or cuda (default: auto)")
    p.add_argument("--resume", action="store_true", help="continue from OUT/last.pt")
    return p


#: Pseudo-teacher for a reconstruction warm-up: the photo is its own target (no rendering cost).
IDENTITY = "identity"


def _teacher(name: str, device: str | None):
    if name == IDENTITY:
        return lambda image: image.copy()
    return builtin_teacher(name, device)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    try:
        files = training_files(args.data)
    except (TrainingDataRefused, FileNotFoundError) as exc:
        raise SystemExit(f"error: {exc}") from None
    if args.max_photos and len(files) > args.max_photos:
        files = [
            files[i] for i in np.linspace(0, len(files) - 1, args.max_photos).round().astype(int)
        ]
    if args.workers < 1:
        raise SystemExit(f"error: --workers must be at least 1, got {args.workers}")
    args.out.mkdir(parents=True, exist_ok=True)
    dev = pick_device(args.device)
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(False)  # speed over bitwise repeatability in training
    torch.manual_seed(args.seed)

    t_teacher = time.perf_counter()
    try:
        teacher = _teacher(args.teacher, args.device)
    except ValueError as exc:
        raise SystemExit(f"error: --teacher: {exc}") from None
    pairs = StylePairs.build(
        files, args.sizes, teacher, args.teacher,
        None if args.teacher == IDENTITY else (args.cache or args.out / "teacher"), args.crop,
        progress=lambda msg: print(msg, flush=True),
        workers=1 if args.teacher == IDENTITY else args.workers,
    )  # fmt: skip
    print(
        f"{len(pairs.photos)} training pairs from {len(files)} photos, "
        f"teacher ready in {time.perf_counter() - t_teacher:.0f} s",
        flush=True,
    )

    arch = ARCHITECTURES[args.arch]
    # channels_last + bfloat16 autocast: measured 3x less CPU time per step than NCHW float32
    # on this machine (AMX/AVX-512 bf16); see the module docstring.
    gen = build_architecture(args.arch).to(dev.device, memory_format=torch.channels_last)
    disc = PatchDiscriminator().to(dev.device, memory_format=torch.channels_last)
    autocast = torch.autocast(
        dev.device.type,
        dtype=torch.bfloat16 if dev.device.type == "cpu" else torch.float16,
        enabled=args.precision == "bf16",
    )
    opt_g = torch.optim.Adam(gen.parameters(), lr=args.lr, betas=(0.5, 0.99))
    opt_d = torch.optim.Adam(disc.parameters(), lr=args.lr, betas=(0.5, 0.99))
    config = {"teacher": args.teacher, "arch": args.arch}
    start, prior_elapsed = 0, 0.0
    last = args.out / "last.pt"
    if args.resume and last.exists():
        ckpt = torch.load(last, map_location=dev.device, weights_only=True)
        if ckpt["config"] != config:
            raise SystemExit(f"error: --resume: {last} was trained with {ckpt['config']}")
        gen.load_state_dict(ckpt["generator"], strict=True)
        disc.load_state_dict(ckpt["discriminator"], strict=True)
        opt_g.load_state_dict(ckpt["opt_g"])
        opt_d.load_state_dict(ckpt["opt_d"])
        start, prior_elapsed = int(ckpt["step"]), float(ckpt["elapsed_s"])
        print(f"resumed from {last} at step {start}", flush=True)
    else:
        if args.resume:
            print(f"--resume: no {last} yet; starting fresh", flush=True)
        if args.init:
            from ml.weights import load_state_dict_file

            state = load_state_dict_file(args.init)
            gen.load_state_dict({k: v.float() for k, v in state.items()}, strict=True)
            print(f"generator initialised from {args.init}", flush=True)

    stop = {"now": False}

    def _stop(signum: int, _frame: object) -> None:
        print(f"signal {signum}: saving and stopping after this step", flush=True)
        stop["now"] = True

    old_handlers = {s: signal.signal(s, _stop) for s in (signal.SIGTERM, signal.SIGINT)}
    csv_path = args.out / "log.csv"
    new_csv = start == 0 or not csv_path.exists()
    csv_file = csv_path.open("w" if new_csv else "a", newline="")
    writer = csv.writer(csv_file)
    if new_csv:
        writer.writerow(CSV_HEADER)
    t0 = time.perf_counter()

    def elapsed() -> float:
        return prior_elapsed + time.perf_counter() - t0

    def save(step: int) -> None:
        if not all(torch.isfinite(p).all() for p in gen.parameters()):
            print(f"step {step}: weights are not finite; {last} left as it was", flush=True)
            return
        tmp = last.with_suffix(".tmp")
        torch.save(
            {"config": config, "generator": gen.state_dict(), "discriminator": disc.state_dict(),
             "opt_g": opt_g.state_dict(), "opt_d": opt_d.state_dict(), "step": step,
             "elapsed_s": elapsed()},
            tmp,
        )  # fmt: skip
        tmp.replace(last)  # a kill during the write leaves the previous checkpoint intact
        export_student(gen, args.out / "student.pt")
        print(f"checkpoint at step {step} ({elapsed():.0f} s)", flush=True)

    rng = np.random.default_rng([args.seed, start])
    budget_s = args.minutes * 60 if args.minutes else None
    sums = np.zeros(6)
    n_sum = 0
    step = start
    gen.train()
    disc.train()
    while step < args.iters and not stop["now"]:
        progress = step / args.iters
        if budget_s:
            progress = max(progress, elapsed() / budget_s)
            if progress >= 1.0:
                print(f"time budget reached at step {step}", flush=True)
                break
        lr_now = lr_at(step, progress, args.lr, args.warmup)
        for opt in (opt_g, opt_d):
            for group in opt.param_groups:
                group["lr"] = lr_now
        early = args.early_crop and progress < args.early_until
        crop = args.early_crop if early else args.crop
        photo, target = (t.to(dev.device) for t in pairs.sample(args.batch, crop, rng))
        with autocast:
            out = run_generator(gen, arch, photo).float()

        # Discriminator: teacher crops are "real", the student's are "fake" (skipped without --adv-weight).
        loss_d = torch.zeros((), device=out.device)
        if args.adv_weight > 0:
            with autocast:
                real, fake = disc(photo, target), disc(photo, out.detach())
            loss_d = d_hinge(real.float(), fake.float())
            opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            opt_d.step()

        l_ok = oklab_l1(out, target)
        l_edge = edge_l1(out, target)
        adv_on = args.adv_weight > 0 and progress >= args.adv_start
        l_adv = torch.zeros((), device=out.device)
        if adv_on:
            with autocast:
                l_adv = g_hinge(disc(photo, out).float())
        loss_g = l_ok + args.edge_weight * l_edge + (args.adv_weight * l_adv if adv_on else 0)
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        if not torch.isfinite(loss_g):
            # Never let one bad batch poison the weights; say so and move on.
            print(f"step {step + 1}: non-finite loss, update skipped", flush=True)
            step += 1
            continue
        opt_g.step()

        mse = torch.mean((out.detach() - target) ** 2).item()
        sums += [loss_g.item(), l_ok.item(), l_edge.item(), l_adv.item(), loss_d.item(), mse]
        n_sum += 1
        step += 1
        if step % args.log_every == 0 or step == args.iters:
            m = sums / n_sum
            rate = (step - start) / (time.perf_counter() - t0)
            row = [
                step, *(f"{v:.5f}" for v in m[:5]), f"{10 * math.log10(1 / max(m[5], 1e-12)):.2f}",
                f"{lr_now:.2e}", f"{elapsed():.0f}", f"{rate:.4f}", crop,
            ]  # fmt: skip
            writer.writerow(row)
            csv_file.flush()
            print(
                f"step {step}/{args.iters} loss {row[1]} (oklab {row[2]} edge {row[3]} "
                f"adv {row[4]} d {row[5]}) psnr {row[6]} lr {row[7]} {row[8]} s, "
                f"{rate:.3f} steps/s, crop {crop}",
                flush=True,
            )
            sums[:] = 0
            n_sum = 0
        if step % args.ckpt_every == 0:
            save(step)
    if step % args.ckpt_every or step == start:
        save(step)
    csv_file.close()
    for s, h in old_handlers.items():
        signal.signal(s, h)
    print(f"done: step {step}, student weights {args.out / 'student.pt'}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
