"""What compiling the whole training loss adds to compiling the likelihood alone: `.train()` epochs, A/B alternated.

    python benchmarks/compile_ab.py                                   # 20000x558 and 20000x2000, 2 threads, 3 rounds
    python benchmarks/compile_ab.py --sizes 3000x558 --threads 1 --epochs 6

Both variants are `SCVI(adata, batch_key="batch").train(compile_likelihood=True, early_stopping=False)` on the same
synthetic counts (`scvi_nb.data.synthetic`, two batches, five types), batch 128, validation every epoch:
  lik     the likelihood compiled alone (`ScviTrainingPlan.compile_loss` switched off: the trainer before 2026-12-07)
  whole   the package as it is: the whole closed-form loss compiled as one graph for the full minibatches
The variants run in turn (A, B, then B, A, ...), each round a fresh model. Printed per variant: the median over rounds
of the median epoch time after the first epoch (so compilation is left out), and each round's first epoch (where the
compilation falls: the first compile in a process is cold unless torch.compile's disk cache already has the graph).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
warnings.filterwarnings("ignore")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", nargs="+", default=["20000x558", "20000x2000"])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    import numpy as np
    import torch
    torch.set_num_threads(args.threads)
    import scvi_nb.train as T
    from scvi_nb import SCVI
    from scvi_nb.data import synthetic
    compile_loss = T.ScviTrainingPlan.compile_loss

    def run(adata, whole: bool):
        T.ScviTrainingPlan.compile_loss = compile_loss if whole else (lambda self, rows: False)
        try:
            m = SCVI(adata, batch_key="batch")
            m.train(max_epochs=args.epochs, early_stopping=False, enable_progress_bar=False, compile_likelihood=True, seed=0)
        finally: T.ScviTrainingPlan.compile_loss = compile_loss
        t = m.history_df["time"].to_numpy()
        return float(np.median(np.diff(t))), float(t[0])

    print(f"torch {torch.__version__}, {args.threads} thread(s), {args.epochs} epochs a run, {args.rounds} rounds, "
          f"load average before {os.getloadavg()[0]:.2f}")
    print("| cells x genes | likelihood compiled: s/epoch | whole loss compiled: s/epoch | speed-up | first epochs (s): lik; whole |")
    print("|---|---|---|---|---|")
    for size in args.sizes:
        n, g = (int(v) for v in size.split("x"))
        adata = synthetic(n_cells=n, n_genes=g, n_batches=2, n_types=5, seed=0)
        res = {"lik": [], "whole": []}
        for r in range(args.rounds):
            for k in (["lik", "whole"] if r % 2 == 0 else ["whole", "lik"]): res[k].append(run(adata, k == "whole"))
        med = {k: statistics.median(v[0] for v in res[k]) for k in res}
        firsts = "; ".join(", ".join(f"{v[1]:.1f}" for v in res[k]) for k in ("lik", "whole"))
        print(f"| {size} | {med['lik']:.3f} | {med['whole']:.3f} | {med['lik'] / med['whole']:.2f}x | {firsts} |", flush=True)
    print(f"load average after {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
