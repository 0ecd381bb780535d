"""Throughput at scale, side by side: training steps of scvi_nb and of scvi-tools on the same synthetic counts.

    python benchmarks/scale.py                          # 100k and 1M cells, both libraries, 3 rounds (about 25 min on 2 cores)
    python benchmarks/scale.py --cells 1000000          # 1M cells only (about 12 min)
    python benchmarks/scale.py --cells 20000 --steps 60 --rounds 1   # smoke run, about 2 min
    python benchmarks/scale.py --table-only             # the table again, from results/scale_*.json

Data: `scvi_nb.synthetic` draws 100,000 cells × 2,000 genes from the scVI model (5 types, one batch; about 480 non-zero
counts per cell) once, into `results/scale_100000.h5ad`; larger sizes repeat those cells (a throughput does not depend on
which cells repeat) and are written to `results/scale_{n}.h5ad`. Each run is a fresh process (its peak resident memory is
its own), 2 threads, batch 128, no validation (`train_size=1`), no early stopping, `--steps` training steps, with the
library's defaults otherwise; `--rounds` times each, alternating the order (A, B, C, then C, B, A), since one run's
cells/s moves by up to a third with load from elsewhere on a shared machine:
  scvi_nb       `SCVI(adata, batch_key=None).train(...)`, the AnnData in memory (CSR) and backed (`read_h5ad(backed="r")`);
                the likelihood compiled when its default run on these data would compile it (`compile_for_run`, with
                `default_max_epochs(n)` epochs), as a user's `.train()` does.
  scvi-tools    `SCVI.setup_anndata(adata); SCVI(adata).train(...)`, the AnnData in memory (CSR).
Cells per second are timed from the 21st step to the last (start-up and compilation left out); the set-up (reading the
file, `setup_anndata`, building the model) is timed apart. Results go to `results/scale_{library}_{mode}_{n}.json` (one
entry per round) and `results/table_scale.md` (medians over rounds; the ratio to scvi-tools is the median of the ratios
within each round).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
SCVI_PY = HERE / ".venv-scvi" / "bin" / "python"
BASE = 100_000
WARM_STEPS = 20


def write_data(n: int, n_genes: int) -> Path:
    "results/scale_{n}.h5ad: the synthetic base drawn once, repeated to n cells"
    import anndata as ad
    import numpy as np
    import scipy.sparse as sp
    from scvi_nb.synthetic import synthetic
    path = RESULTS / f"scale_{n}.h5ad"
    if path.exists(): return path
    base_n = min(n, BASE)
    base_path = RESULTS / f"scale_{base_n}.h5ad"
    if not base_path.exists():
        synthetic(n_cells=base_n, n_genes=n_genes, n_types=5, seed=0).write_h5ad(base_path)
    if n == base_n: return base_path
    base = ad.read_h5ad(base_path)
    reps = -(-n // base_n)
    X = sp.vstack([base.X] * reps, format="csr")[:n]
    obs = base.obs.iloc[np.arange(n) % base_n].reset_index(drop=True)
    obs.index = [f"cell_{i}" for i in range(n)]
    ad.AnnData(X=X, obs=obs, var=base.var).write_h5ad(path)
    return path


def peak_rss_gb() -> float:
    "This process's peak resident memory since its exec (VmHWM): `ru_maxrss` would include the parent's at fork time"
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"): return int(line.split()[1]) / 2**20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def run_one(library: str, mode: str, path: Path, steps: int) -> dict:
    "One run in this process: set-up, then `steps` training steps; timings and peak memory"
    import warnings
    warnings.filterwarnings("ignore")
    import anndata as ad
    import torch
    torch.set_num_threads(2)
    t0 = time.perf_counter()
    adata = ad.read_h5ad(path, backed="r" if mode == "backed" else None)
    n, n_genes = adata.n_obs, adata.n_vars
    clock_times: list = []

    def on_batch_end(*_): clock_times.append(time.perf_counter())
    kw = dict(max_epochs=1, train_size=1.0, batch_size=128, early_stopping=False, enable_progress_bar=False,
              limit_train_batches=steps)
    if library == "scvi_nb":
        from pytorch_lightning.callbacks import Callback
        import scvi_nb
        from scvi_nb.train import compile_for_run, default_max_epochs
        Clock = type("Clock", (Callback,), dict(on_train_batch_end=lambda self, *a: on_batch_end()))
        model = scvi_nb.SCVI(adata, batch_key=None)
        compiled = compile_for_run(None, model.module, n, default_max_epochs(n), "cpu")   # as a default run of n cells
        t_setup = time.perf_counter() - t0
        t1 = time.perf_counter()
        model.train(**kw, seed=0, compile_likelihood=compiled, callbacks=[Clock()])
        version = scvi_nb.__version__
    else:
        import scvi
        from lightning.pytorch.callbacks import Callback as LCallback
        scvi.settings.seed, scvi.settings.dl_num_workers = 0, 0
        Clock = type("Clock", (LCallback,), dict(on_train_batch_end=lambda self, *a: on_batch_end()))
        scvi.model.SCVI.setup_anndata(adata)
        model = scvi.model.SCVI(adata)
        compiled = False
        t_setup = time.perf_counter() - t0
        t1 = time.perf_counter()
        model.train(**kw, callbacks=[Clock()], default_root_dir=str(RESULTS / "scale_lightning_logs"))
        version = scvi.__version__
    t_train = time.perf_counter() - t1
    timed = len(clock_times) - 1 - WARM_STEPS
    cells_per_s = timed * 128 / (clock_times[-1] - clock_times[WARM_STEPS]) if timed > 0 else float("nan")
    return dict(library=library, version=version, mode=mode, n_cells=n, n_genes=n_genes, steps=len(clock_times),
                compiled_likelihood=bool(compiled), setup_s=t_setup, train_call_s=t_train,
                first_steps_s=clock_times[WARM_STEPS] - t1 if timed > 0 else float("nan"), cells_per_s=cells_per_s,
                peak_rss_gb=peak_rss_gb(),
                load_avg=os.getloadavg()[0])


def _median(v):
    v = sorted(v)
    return (v[(len(v) - 1) // 2] + v[len(v) // 2]) / 2


def table(results: dict) -> str:
    "results: (n_cells, library, mode) -> the runs (one per round); medians over rounds, ratios paired by round"
    out = ["| cells | library | data | likelihood | rounds | set-up s | first 20 steps s | cells/s (median; min–max) | "
           "vs scvi-tools (median of paired rounds) | peak RSS GB (max) |", "|---|---|---|---|---|---|---|---|---|---|"]
    for key in sorted(results, key=lambda k: (k[0], k[1] != "scvi-tools", k[2])):
        n, lib, mode = key
        runs, ref = results[key], results.get((n, "scvi-tools", "memory"))
        cps = [r["cells_per_s"] for r in runs]
        if ref and len(ref) == len(runs): ratio = f"{_median([a / b['cells_per_s'] for a, b in zip(cps, ref)]):.2f}x"
        elif ref: ratio = f"{_median(cps) / _median([r['cells_per_s'] for r in ref]):.2f}x (of medians)"
        else: ratio = ""
        lik = "its own" if lib == "scvi-tools" else ("compiled" if runs[0]["compiled_likelihood"] else "eager")
        spread = f"{min(cps):,.0f}–{max(cps):,.0f}" if len(cps) > 1 else "—"
        out.append(f"| {n:,} | {lib} {runs[0]['version']} | {mode} | {lik} | {len(runs)} | "
                   f"{_median([r['setup_s'] for r in runs]):.1f} | {_median([r['first_steps_s'] for r in runs]):.1f} | "
                   f"{_median(cps):,.0f}; {spread} | {ratio} | {max(r['peak_rss_gb'] for r in runs):.2f} |")
    return "\n".join(out)


def load_results(cells) -> dict:
    "The stored runs of these sizes: results/scale_{library}_{mode}_{n}.json, a list of runs (or one run, as before)"
    res = {}
    for p in sorted(RESULTS.glob("scale_*_*_*.json")):
        runs = json.loads(p.read_text())
        runs = runs if isinstance(runs, list) else [runs]
        if runs and runs[0]["n_cells"] in cells: res[(runs[0]["n_cells"], runs[0]["library"], runs[0]["mode"])] = runs
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cells", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--genes", type=int, default=2000)
    ap.add_argument("--steps", type=int, default=400, help="training steps per run (20 of them warm-up)")
    ap.add_argument("--libraries", nargs="+", default=["scvi-tools", "scvi_nb"])
    ap.add_argument("--rounds", type=int, default=3, help="runs of each library and mode, alternated; the table gives medians")
    ap.add_argument("--table-only", action="store_true")
    ap.add_argument("--_run", nargs=4, metavar=("LIB", "MODE", "PATH", "STEPS"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a._run:
        lib, mode, path, steps = a._run
        print(json.dumps(run_one(lib, mode, Path(path), int(steps))))
        return
    RESULTS.mkdir(exist_ok=True)
    if not a.table_only:
        for n in a.cells:
            path = write_data(n, a.genes)
            configs = [(lib, mode) for lib in a.libraries
                       for mode in (["memory", "backed"] if lib == "scvi_nb" else ["memory"])]
            runs = {c: [] for c in configs}
            for r in range(a.rounds):   # A, B, C, then C, B, A, ...: a burst of load from elsewhere hits all alike
                for lib, mode in (configs if r % 2 == 0 else configs[::-1]):
                    py = str(SCVI_PY) if lib == "scvi-tools" else sys.executable
                    env = dict(os.environ, PYTHONPATH=str(HERE.parent))
                    p = subprocess.run([py, __file__, "--_run", lib, mode, str(path), str(a.steps)], env=env,
                                       capture_output=True, text=True)
                    if p.returncode != 0: sys.exit(f"{lib} {mode} {n}: failed\n{p.stderr[-3000:]}")
                    res = dict(json.loads(p.stdout.strip().splitlines()[-1]), round=r)
                    runs[(lib, mode)].append(res)
                    print(json.dumps(res), flush=True)
            for (lib, mode), rs in runs.items():
                (RESULTS / f"scale_{lib}_{mode}_{n}.json").write_text(json.dumps(rs, indent=1))
    md = table(load_results(set(a.cells)))
    (RESULTS / "table_scale.md").write_text(md + "\n")
    print(md)


if __name__ == "__main__":
    main()
