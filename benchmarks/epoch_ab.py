"""Full `.train()` epochs per second, scvi_nb variants against scvi-tools, A/B alternated in one process.

    PYTHONPATH=. benchmarks/.venv-scvi/bin/python benchmarks/epoch_ab.py --sizes 3000x558 2638x2000 --rounds 3

One thread, batch 128, the two libraries' default networks (n_hidden 128, n_latent 10, one layer, ZINB, one θ per gene),
synthetic counts from `scvi_nb.data.synthetic`, `--epochs` epochs per run, no early stopping. The variants run in
turn (forward order, then reversed, ...) so that load from other processes hits them alike; each figure is the median
over rounds of (wall time of `.train()`) / epochs. Variants:
  scvi_nb            the package as it is (metrics summed on the module, logged once per epoch; validation every epoch)
  scvi_nb per-step log   the same with `self.log` at every step (the package before)
  scvi_nb no val     the package with `limit_val_batches=0` (scvi-tools' default does not validate)
  scvi-tools         `SCVI(adata).train(max_epochs, early_stopping=False, train_size=0.9, batch_size=128)`
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import torch  # noqa: E402

torch.set_num_threads(1)
warnings.filterwarnings("ignore")
import logging  # noqa: E402

for n in ("lightning.pytorch", "pytorch_lightning", "lightning.pytorch.utilities.rank_zero"):
    logging.getLogger(n).setLevel(logging.ERROR)


def load_avg() -> str:
    return "/".join(f"{v:.2f}" for v in os.getloadavg())


def per_step_logging(T):
    "Put back the per-step `self.log` calls of the training plan (as before); returns an undo function"
    P = T.ScviTrainingPlan
    saved = {k: P.__dict__[k] for k in ("training_step", "validation_step", "on_validation_epoch_end")}

    def training_step(self, batch, batch_idx):
        loss = self.loss(batch, self.n_obs_train, self.kl_weight) / self.n_obs_train
        if not torch.isfinite(loss): raise FloatingPointError("non-finite loss")
        n = len(batch["x"])
        self.log("train_loss", loss, on_step=False, on_epoch=True, prog_bar=True, batch_size=n)
        for name, v in zip(("reconstruction_loss", "kl_local"), self.last_parts):
            self.log(f"{name}_train", v, on_step=False, on_epoch=True, batch_size=n)
        return loss

    def validation_step(self, batch, batch_idx):
        n = len(batch["x"])
        elbo = -self.loss(batch, n, 1.0) / n
        self.log("elbo_validation", elbo, on_step=False, on_epoch=True, prog_bar=True, batch_size=n, sync_dist=True)
        for name, v in zip(("reconstruction_loss", "kl_local"), self.last_parts):
            self.log(f"{name}_validation", v, on_step=False, on_epoch=True, batch_size=n, sync_dist=True)

    P.training_step, P.validation_step, P.on_validation_epoch_end = training_step, validation_step, lambda self: None

    def undo():
        for k, v in saved.items(): setattr(P, k, v)
    return undo


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", nargs="+", default=["3000x558", "2638x2000"])
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--variants", nargs="+", default=["scvi_nb", "scvi_nb per-step log", "scvi_nb no val", "scvi-tools"])
    args = ap.parse_args()
    import scvi_nb.train as T
    from scvi_nb import SCVI
    from scvi_nb.data import synthetic
    try:
        import scvi
        scvi.settings.seed, scvi.settings.num_threads, scvi.settings.dl_num_workers = 0, 1, 0
        torch.set_num_threads(1)
    except ImportError:
        scvi = None
    variants = [v for v in args.variants if v != "scvi-tools" or scvi is not None]

    def run(v, adata):
        if v == "scvi-tools":
            a = adata.copy()
            scvi.model.SCVI.setup_anndata(a)
            m = scvi.model.SCVI(a)
            t0 = time.perf_counter()
            m.train(max_epochs=args.epochs, early_stopping=False, train_size=0.9, batch_size=128, enable_progress_bar=False,
                    default_root_dir=tempfile.mkdtemp(prefix="epoch_ab_"))
            return (time.perf_counter() - t0) / args.epochs
        undo = per_step_logging(T) if v == "scvi_nb per-step log" else (lambda: None)
        try:
            m = SCVI(adata, batch_key=None)
            kw = dict(limit_val_batches=0) if v == "scvi_nb no val" else {}
            t0 = time.perf_counter()
            m.train(max_epochs=args.epochs, early_stopping=False, enable_progress_bar=False, seed=0, **kw)
            return (time.perf_counter() - t0) / args.epochs
        finally: undo()

    print(f"torch {torch.__version__}, 1 thread, scvi-tools {scvi.__version__ if scvi else 'absent'}; "
          f"{args.epochs} epochs per run, {args.rounds} rounds", flush=True)
    for size in args.sizes:
        n_cells, n_genes = (int(s) for s in size.split("x"))
        adata = synthetic(n_cells=n_cells, n_genes=n_genes, n_types=5, seed=0)
        la0, res = load_avg(), {v: [] for v in variants}
        for r in range(args.rounds):
            for v in (variants if r % 2 == 0 else variants[::-1]): res[v].append(run(v, adata))
        med = {v: statistics.median(t) for v, t in res.items()}
        ref = med.get("scvi-tools")
        print(f"\n## {n_cells} x {n_genes}, batch 128, load average {la0} -> {load_avg()}\n")
        print("| variant | s/epoch (median) | all rounds | epochs/s vs scvi-tools |\n|---|---|---|---|")
        for v, t in med.items():
            print(f"| {v} | {t:.3f} | {' '.join(f'{x:.3f}' for x in res[v])} | {'' if ref is None else f'{ref / t:.2f}x'} |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
