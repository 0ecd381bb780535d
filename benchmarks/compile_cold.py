"""What a compiled `.train()` pays before its first epoch ends: the whole loss compiled alone (the package as it is)
against the whole loss and the likelihood alone, each run a fresh process with an empty `torch.compile` cache.

    python benchmarks/compile_cold.py                              # 20,000 cells x 2,000 genes, 3 epochs, 2 rounds
    python benchmarks/compile_cold.py --cells 3000 --genes 558 --rounds 3

Variants, alternated (A, B, then B, A, ...):
  loss       the package: on a CPU `train_module` compiles scVI's whole training loss (`ScviTrainingPlan.compile_loss`);
             the validation pass and an epoch's short last minibatch run eager
  loss+zinb  as before 2026-12-07: `_compile_zinb()` as well, up front (dynamic shapes), so that those minibatches run
             the compiled likelihood
Each run: `scvi_nb.synthetic` counts, `SCVI(adata, batch_key=None).train(max_epochs=..., compile_likelihood=True)`,
2 threads, the defaults otherwise (validation every epoch on 10% of the cells), in a fresh process with
`TORCHINDUCTOR_CACHE_DIR` a new empty folder (a cold cache: a first run on a machine, a fresh Colab). With `--warm` the
folder is kept between the rounds of a variant, so every round after the first finds the code on disk. Printed per run:
the seconds from `.train()` to the end of the first epoch, the later epochs' seconds and the validation passes', and how
many graphs torch.compile found in its disk cache and how many it compiled.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_one(variant: str, cells: int, genes: int, epochs: int) -> dict:
    "One `.train()` in this process; timings"
    import warnings
    warnings.filterwarnings("ignore")
    import torch
    torch.set_num_threads(2)
    from pytorch_lightning.callbacks import Callback
    import scvi_nb
    import scvi_nb.train as T
    from scvi_nb import distributions as D
    from scvi_nb.synthetic import synthetic
    if variant == "loss+zinb":                                 # the likelihood compiled up front as well, as before
        decide = T.compile_for_run
        T.compile_for_run = lambda c, module, n, e, device: decide(c, module, n, e, device) and D._compile_zinb(device=device)
    adata = synthetic(n_cells=cells, n_genes=genes, n_types=5, seed=0)
    marks = dict(epoch_end=[], validation=[], steps=[], last_step=[])

    class Clock(Callback):
        def on_train_epoch_start(self, *a): marks["steps"].append(0.0)
        def on_train_batch_start(self, *a): self.b0 = time.perf_counter()
        def on_train_batch_end(self, *a):
            marks["last_step"] = time.perf_counter() - self.b0
            marks["steps"][-1] += marks["last_step"]
        def on_train_epoch_end(self, *a): marks["epoch_end"].append(time.perf_counter())
        def on_validation_epoch_start(self, *a): self.v0 = time.perf_counter()
        def on_validation_epoch_end(self, *a): marks["validation"].append(time.perf_counter() - self.v0)

    model = scvi_nb.SCVI(adata, batch_key=None)
    t0 = time.perf_counter()
    model.train(max_epochs=epochs, compile_likelihood=True, early_stopping=False, enable_progress_bar=False,
                callbacks=[Clock()])
    ends = marks["epoch_end"]
    from torch._dynamo.utils import counters
    return dict(graphs_from_cache=counters["inductor"]["fxgraph_cache_hit"], graphs_compiled=counters["inductor"]["fxgraph_cache_miss"],
                variant=variant, train_s=time.perf_counter() - t0, first_epoch_s=ends[0] - t0,
                later_epochs_s=[b - a for a, b in zip(ends, ends[1:])], validation_s=marks["validation"],
                steps_s=marks["steps"], last_step_s=marks["last_step"],
                load_avg=os.getloadavg()[0])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cells", type=int, default=20_000)
    ap.add_argument("--genes", type=int, default=2_000)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--warm", action="store_true", help="keep each variant's cache between its rounds")
    ap.add_argument("--_run", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args._run:
        print(json.dumps(run_one(args._run[0], *map(int, args._run[1:]))))
        return
    variants = ("loss", "loss+zinb")
    caches = {v: tempfile.mkdtemp(prefix=f"inductor_{v.replace('+', '_')}_") for v in variants} if args.warm else {}
    res = {v: [] for v in variants}
    print(f"{args.cells} cells x {args.genes} genes, {args.epochs} epochs, {'warm after round 0' if args.warm else 'cold'} "
          f"cache, load average {os.getloadavg()[0]:.2f}")
    for r in range(args.rounds):
        for v in (variants if r % 2 == 0 else variants[::-1]):
            cache = caches[v] if args.warm else tempfile.mkdtemp(prefix="inductor_cold_")
            env = dict(os.environ, TORCHINDUCTOR_CACHE_DIR=cache, PYTHONPATH=str(ROOT))
            out = subprocess.run([sys.executable, __file__, "--_run", v, str(args.cells), str(args.genes), str(args.epochs)],
                                 env=env, capture_output=True, text=True, check=True).stdout
            if not args.warm: shutil.rmtree(cache, ignore_errors=True)
            d = json.loads(out.strip().splitlines()[-1])
            res[v].append(d)
            print(f"round {r} {v:9s}: first epoch ends at {d['first_epoch_s']:.1f} s; later epochs "
                  f"{' '.join(f'{x:.2f}' for x in d['later_epochs_s'])} s; validation passes "
                  f"{' '.join(f'{x:.3f}' for x in d['validation_s'])} s; training steps {' '.join(f'{x:.2f}' for x in d['steps_s'])} s "
                  f"(last {d['last_step_s'] * 1e3:.0f} ms); graphs from the cache {d['graphs_from_cache']}, compiled "
                  f"{d['graphs_compiled']}; load {d['load_avg']:.2f}", flush=True)
    if args.warm:
        for cache in caches.values(): shutil.rmtree(cache, ignore_errors=True)
    for v, runs in res.items():
        later = [x for d in runs for x in d["later_epochs_s"]]
        val = [x for d in runs for x in d["validation_s"][1:]]
        print(f"{v:9s}: first epoch ends at {statistics.median(d['first_epoch_s'] for d in runs):.1f} s (median), later "
              f"epochs {statistics.median(later):.2f} s, validation after the first {statistics.median(val):.3f} s")


if __name__ == "__main__":
    main()
