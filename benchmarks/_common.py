"""Shared helpers for the scvi_nb vs scvi-tools benchmark.

Imported by both runners, so it may only use what both virtual environments have
(numpy, scipy, anndata, scikit-learn): never scvi_nb, never scvi-tools.
"""
from __future__ import annotations

import argparse
import json
import os
import time
import platform
import resource
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
RESULTS = Path(os.environ.get("SCVI_NB_BENCH_RESULTS", HERE / "results"))
DATASETS = ("pbmc3k", "cortex", "ifnb", "synthetic")
LABELS_KEY = "cell_type"  # prepare.py writes the ground-truth labels here for every dataset
BATCH_KEY = "batch"       # and the batch here, for the datasets that have one (ifnb: the condition)

# The architecture and optimisation both libraries are given (scvi-tools' defaults where it has them).
ARCH = dict(n_latent=10, n_hidden=128, n_layers=1, dropout_rate=0.1,
            likelihood="zinb", dispersion="gene", library="observed")
TRAIN = dict(batch_size=128, lr=1e-3, n_epochs_kl_warmup=400, early_stopping=False, seed=0)
N_THREADS = int(os.environ.get("SCVI_NB_BENCH_THREADS", "2"))  # the published tables use 2


def runner_args(argv=None) -> argparse.Namespace:
    "The command line both runners take: --dataset, --epochs, --out."
    ap = argparse.ArgumentParser()
    ap.add_argument("--dataset", required=True)
    ap.add_argument("--epochs", type=int, default=400)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--defaults", action="store_true",
                    help="each library at its own defaults: SCVI(adata[, batch_key]).train() with only the split given; "
                         "scored by IWAE on the validation cells")
    return ap.parse_args(argv)


N_IWAE = 200      # importance samples per held-out cell, both libraries
IWAE_CHUNK = 16   # cells per pass: 200 samples x 16 cells x 2,000 genes stays well under a GB


def iwae_summary(log_w: np.ndarray) -> dict:
    """Per-cell log-weights log p(y, z_k) - log q(z_k | y), shape (K, n), from either library, summarised the same way:
    the IWAE estimate of log p(y) (log-mean-exp over k) and the ELBO estimate (mean over k), each averaged over cells."""
    log_w = np.asarray(log_w, np.float64)
    m = log_w.max(0)
    iwae = m + np.log(np.exp(log_w - m).mean(0))
    return dict(heldout_iwae=float(iwae.mean()), heldout_elbo_mc=float(log_w.mean()), iwae_samples=int(log_w.shape[0]),
                iwae_cells=int(log_w.shape[1]))


def epoch_clock(callback_base):
    """A Lightning callback (subclass of `callback_base`: each library has its own Lightning) noting the wall time at
    the end of each training epoch, after its validation pass, measured from on_train_start."""
    class EpochClock(callback_base):
        def __init__(self): self.times, self.t0 = [], None
        def on_train_start(self, trainer, module): self.t0 = time.perf_counter()
        def on_train_epoch_end(self, trainer, module): self.times.append(time.perf_counter() - self.t0)
    return EpochClock()


def data_paths(dataset: str) -> dict:
    "Where prepare.py puts a dataset's inputs."
    return dict(h5ad=RESULTS / f"{dataset}.h5ad",
                train=RESULTS / f"{dataset}_train_idx.npy",
                val=RESULTS / f"{dataset}_val_idx.npy")


def load_inputs(dataset: str):
    "The prepared AnnData (raw counts in X) and the train / validation indices."
    import anndata as ad
    p = data_paths(dataset)
    missing = [str(v) for v in p.values() if not v.exists()]
    if missing:
        raise FileNotFoundError(f"{len(missing)} prepared input(s) missing: {missing}; "
                                f"run `python benchmarks/prepare.py --datasets {dataset}` first")
    adata = ad.read_h5ad(p["h5ad"])
    train, val = np.load(p["train"]), np.load(p["val"])
    assert len(np.intersect1d(train, val)) == 0 and len(train) + len(val) == adata.n_obs
    return adata, train.astype(np.int64), val.astype(np.int64)


def peak_rss_mb() -> float:
    "Peak resident set size of this process in MiB (Linux reports ru_maxrss in KiB)."
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 2**20


def clustering_scores(latent: np.ndarray, labels, seed: int = 0) -> dict:
    "K-means (n_init=20, as many clusters as labels) ARI / NMI, and the silhouette of the true labels."
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score, silhouette_score
    labels = np.asarray(labels).astype(str)
    k = len(np.unique(labels))
    pred = KMeans(n_clusters=k, n_init=20, random_state=seed).fit_predict(latent)
    return dict(n_clusters=int(k),
                ari=float(adjusted_rand_score(labels, pred)),
                nmi=float(normalized_mutual_info_score(labels, pred)),
                asw=float(silhouette_score(latent, labels)))


def as_elbo(value: float) -> tuple[float, bool]:
    """An ELBO per cell reported as a (negative) lower bound on log p(x).

    For count data log p(x|z) <= 0 and KL >= 0, so a true ELBO is never positive. Some libraries
    (and some versions) return the *negative* ELBO (a loss) instead. Returns the value as an ELBO
    and whether the sign had to be flipped, so the report can say so.
    """
    value = float(value)
    return (-value, True) if value > 0 else (value, False)


def first_reach(curve: list, times: list, target: float):
    "First (epoch, seconds) at which a per-epoch ELBO curve is >= target; (None, None) if never."
    for i, (v, t) in enumerate(zip(curve, times)):
        if v is not None and np.isfinite(v) and v >= target:
            return i, t
    return None, None


def env_info() -> dict:
    import torch
    return dict(python=platform.python_version(), torch=torch.__version__,
                torch_threads=torch.get_num_threads(), machine=platform.machine(),
                cpu_count=os.cpu_count(), executable=sys.executable)


def write_json(obj: dict, path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=1, default=_jsonable))
    print(f"wrote {path}")


def _jsonable(o):
    if isinstance(o, (np.integer,)): return int(o)
    if isinstance(o, (np.floating,)): return float(o)
    if isinstance(o, np.ndarray): return o.tolist()
    if isinstance(o, Path): return str(o)
    raise TypeError(f"not JSON serialisable: {type(o)}")


def result_path(dataset: str, library: str, epochs) -> Path:
    "JSON of one run: `epochs` is the fixed epoch count of the matched mode, or 'defaults'"
    return RESULTS / f"{dataset}_{library}_{epochs if epochs == 'defaults' else f'e{epochs}'}.json"
