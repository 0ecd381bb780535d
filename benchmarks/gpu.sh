#!/usr/bin/env bash
# Build 8's GPU figures in one command, under 8 minutes on one H100/H200-class card:
#   bash benchmarks/gpu.sh            (from the repository root, on the GPU machine)
# 1. cells/s at batch 128 .. 16,384 on 100k x 2,000 synthetic CSR counts, data on the device;
# 2. PBMC 3k at the package defaults on the GPU: wall time and held-out IWAE (needs benchmarks/results/pbmc3k*,
#    made here by `python benchmarks/prepare.py --datasets pbmc3k` and carried along);
# 3. the `cuda` test lane: the notebooks' `#| cuda` cells (00_distributions, 04_train, tutorials/scaling).
# Packages the GPU image lacks travel as wheels in .whl/ (see benchmarks/README.md); they are installed first.
set -uo pipefail
cd "$(dirname "$0")/.."
out="${OUT:-benchmarks/results}"; mkdir -p "$out"
if ls .whl/*.whl >/dev/null 2>&1; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl && export PYTHONPATH="/tmp/site:$PWD"
else export PYTHONPATH="$PWD"; fi
export SCVI_NB_DATA="${SCVI_NB_DATA:-$PWD/../shared/datasets}" MPLBACKEND=Agg PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
timeout 360 python3 benchmarks/gpu_bench.py --out "$out/gpu_bench.json" 2>&1 | tee "$out/gpu_bench.log"
rc_bench=${PIPESTATUS[0]}
python3 - >>"$out/gpu_bench.log" 2>&1 <<'PY'
# the cuda lane: every notebook with `#| cuda` cells, those cells forced on (as `SCVI_NB_TEST_FLAGS=cuda pytest`)
from nbdev.test import test_nb
for nb in ["nbs/00_distributions.ipynb", "nbs/04_train.ipynb", "nbs/tutorials/scaling.ipynb"]:
    ok, secs = test_nb(nb, skip_flags=["notest", "slow"], force_flags=["cuda"], basepath=".")
    print(f"cuda lane: {nb} {'passed' if ok else 'FAILED'} in {secs:.0f} s", flush=True)
PY
tail -3 "$out/gpu_bench.log"
exit $rc_bench
