#!/usr/bin/env bash
# One call on a lent GPU machine: train retrocel-anime-v1 further at 512 px crops on CUDA,
# score it against its teacher on the held-out photos, time it, and bring back what ships.
#
# Why one script: a session is lent about 15 minutes of GPU time in all, and every call
# starts a bare machine, so everything that needs the GPU happens in one command that
# writes its results under $OUT (at most 8 files come back). The machine has torch,
# numpy, OpenCV and Pillow but no ../shared: the photos travel as a carried folder.
#
# From the session (the training photos into an ignored folder, then one device call):
#   rm -rf var/gpu && mkdir -p var/gpu && cp -r ../shared/data/photos var/gpu/photos
#   device run, carry ["var/gpu"], timeout_s 590:
#     MINUTES=6 bash devkit/gpu_student.sh
# Try it here first, on the CPU at toy size (about a minute):
#   OUT=/tmp/gpu-out DEVICE=cpu MINUTES=0.2 SIZES=256 CROP=128 BATCH=2 MAX_PHOTOS=4 \
#     EVAL_SIZE=128 PHOTOS=../shared/data/photos PY=.venv/bin/python bash devkit/gpu_student.sh
# Then: the returned student.pt goes to ml/styles_weights/retrocel_anime_v1.pt with the
# model card's sha256, steps, losses, hardware and scores taken from train.txt and eval.txt.
set -euo pipefail

OUT=${OUT:?set OUT to the folder whose files come back}
PY=${PY:-python3}
DEVICE=${DEVICE:-cuda}
PHOTOS=${PHOTOS:-var/gpu/photos}
MINUTES=${MINUTES:-6}
SIZES=${SIZES:-512 1024}
CROP=${CROP:-512}
BATCH=${BATCH:-16}
MAX_PHOTOS=${MAX_PHOTOS:-0}
EVAL_SIZE=${EVAL_SIZE:-512}
WORKERS=${WORKERS:-$(nproc)}
RUN=${RUN:-/tmp/retrocel-student}

for folder in "$PHOTOS/bsd68" "$PHOTOS/sun80"; do
  [[ -d $folder ]] || { echo "error: no training photos at $folder (carry var/gpu)" >&2; exit 2; }
done
mkdir -p "$OUT" "$RUN"

"$PY" - "$DEVICE" <<'EOF' 2>&1 | tee "$OUT/env.txt"
import platform, sys, torch
print("python", platform.python_version(), "torch", torch.__version__)
if sys.argv[1] == "cuda":
    if not torch.cuda.is_available():
        raise SystemExit("error: DEVICE=cuda but torch sees no GPU")
    print("gpu", torch.cuda.get_device_name(0), torch.version.cuda)
EOF

max_photos=()
[[ $MAX_PHOTOS != 0 ]] && max_photos=(--max-photos "$MAX_PHOTOS")
# shellcheck disable=SC2086  # SIZES is a list
"$PY" -m ml.train style --teacher anime-cel --arch animeganv2_half \
  --data "$PHOTOS/bsd68" "$PHOTOS/sun80" "${max_photos[@]}" \
  --out "$RUN" --cache "$RUN/teacher" --init ml/styles_weights/retrocel_anime_v1.pt \
  --sizes $SIZES --crop "$CROP" --early-until 0 --batch "$BATCH" --lr 5e-4 --warmup 20 \
  --edge-weight 2.0 --adv-weight 0.03 --adv-start 0.0 --minutes "$MINUTES" --iters 1000000 \
  --device "$DEVICE" --workers "$WORKERS" --log-every 50 --ckpt-every 500 \
  2>&1 | tee "$OUT/train.txt"
cp "$RUN/student.pt" "$RUN/log.csv" "$OUT/"

"$PY" -m ml.eval style --weights "$RUN/student.pt" --photos "$PHOTOS" --size "$EVAL_SIZE" \
  --speed-size "$EVAL_SIZE" --repeats 3 --compare "$OUT/compare.png" 2>&1 | tee "$OUT/eval.txt"
sha256sum "$OUT/student.pt" | tee -a "$OUT/eval.txt"
