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
DATASETS = ("pbmc3k", "cortex", "ifnb", "synthetic", "synthetic100k")
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
    ap.add_argument("--split", type=int, default=0,
                    help="--defaults: which seeded 90/10 split (0: the prepared one); the library's seed is this number too")
    ap.add_argument("--recipe", action="store_true",
                    help="--defaults, scvi-tools only: scvi-tools given scvi_nb's recipe (`recipe(n_cells)`)")
    ap.add_argument("--max-epochs", type=int, default=None,
                    help="--defaults: train this many epochs instead (a smoke test; the warm-up follows the recipe's rule)")
    return ap.parse_args(argv)


def recipe(n_cells: int, max_epochs: int | None = None) -> dict:
    """scvi_nb's default recipe as scvi-tools `.train()` arguments. The same rules as `scvi_nb.train.default_max_epochs`
    and `default_kl_warmup` (copied: this module may not import scvi_nb), Adam's rate `scvi_nb.train.DEFAULT_LR`, and
    early stopping with scvi_nb's patience (scvi-tools judges it from the first epoch, not only after the warm-up)."""
    max_epochs = max_epochs or int(max(1, min(round(3e6 / n_cells), 100)))
    return dict(max_epochs=max_epochs, plan_kwargs=dict(lr=6e-3, n_epochs_kl_warmup=max(1, round(max_epochs / 3))),
                early_stopping=True, early_stopping_patience=25, early_stopping_monitor="elbo_validation")


def split_for(dataset: str, n: int, train, val, s: int):
    "The train / validation indices of split `s`: the prepared ones for 0 (checked to be `split(n, seed=0)`), else `split(n, seed=s)`"
    if s == 0: return train, val
    return split(n, seed=s)


N_IWAE = 200      # importance samples per held-out cell, both libraries
IWAE_CHUNK = 16   # cells per pass: 200 samples x 16 cells x 2,000 genes stays well under a GB
IWAE_MAX_CELLS = 2000   # held-out cells scored by IWAE: all of them up to this (the real data sets have at most 301)


def iwae_cells(val_idx):
    "The held-out cells the IWAE scores: all, or the first IWAE_MAX_CELLS in index order (the same for both libraries)"
    return np.sort(val_idx)[:IWAE_MAX_CELLS]


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


def split(n: int, train_size: float = 0.9, seed: int = 0):
    """A seeded 90/10 split: round(0.9 n) training cells, the rest validation (sorted indices).

    The same rule as scvi_nb's own ScviDataModule(seed=0, train_size=0.9), so scvi_nb's default split
    is this one too; the runners check the split each library actually used."""
    perm = np.random.default_rng(seed).permutation(n)
    n_train = min(n, max(1, int(round(train_size * n))))
    return np.sort(perm[:n_train]), np.sort(perm[n_train:])


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


def result_path(dataset: str, library: str, epochs, split: int = 0, max_epochs: int | None = None) -> Path:
    """JSON of one run: `epochs` is the fixed epoch count of the matched mode, or 'defaults' (then `split` > 0 and a
    smoke test's `max_epochs` add a suffix)"""
    tag = epochs if epochs == 'defaults' else f'e{epochs}'
    tag += (f"_s{split}" if split else "") + (f"_max{max_epochs}" if max_epochs else "")
    return RESULTS / f"{dataset}_{library}_{tag}.json"


# ---------------------------------------------------------------------------------------------------------------------
# scANVI (Build 9): label transfer side by side. The whole protocol lives here; each runner only supplies an adapter
# (`Library` below) that calls its library, so both libraries run exactly the same steps on exactly the same inputs.
# ---------------------------------------------------------------------------------------------------------------------
SCANVI_SCENARIOS = {  # dataset -> what is done with it
    "pbmc3k": "A: semi-supervised, 10% of the labels kept (stratified by type), predict the other 90%",
    "ifnb": "B: reference = CTRL cells, all labelled; query = STIM cells, labels hidden; scArches surgery, predict the query",
}
SCANVI_LABELS_KEY = "scanvi_label"  # the labels each library is given: the true type, or UNLABELED where hidden
UNLABELED = "Unknown"
LABELLED_FRACTION = 0.1            # scenario A
REFERENCE_BATCH = "CTRL"           # scenario B: obs[BATCH_KEY] of the reference cells; every other batch is the query
QUERY_EPOCHS = 100                 # scenario B: scvi-tools' scArches tutorial trains its SCANVI query 100 epochs
KNN_K = 5                          # the kNN baseline on the latent (labelled cells -> the others)
TIMING_CAVEAT = ("each stage's 1-minute load average is given before → after it; the runs wait for a load below 0.8 "
                 "(`--idle-load`) before they start, so a higher load at a later stage's start is the previous "
                 "stage's own two threads decaying, while a load well above 2 means another process shared the cores "
                 "and the wall times are not comparable")


def scanvi_args(argv=None) -> argparse.Namespace:
    "The command line of both scANVI runners."
    ap = argparse.ArgumentParser()
    ap.add_argument("--dataset", required=True, choices=list(SCANVI_SCENARIOS))
    ap.add_argument("--query-epochs", type=int, default=QUERY_EPOCHS, help="scenario B: epochs of the query training")
    ap.add_argument("--scanvi-epochs", type=int, default=None, help="SCANVI epochs (default: the library's own)")
    ap.add_argument("--scvi-epochs", type=int, default=None, help="SCVI epochs (default: the library's own; smoke tests)")
    ap.add_argument("--no-latent", action="store_true", help="do not save the latent (.npy) and per-cell table (.csv)")
    ap.add_argument("--seed", type=int, default=0,
                    help="the training seed of every stage and the seed of the 90/10 splits (the kept labels stay seed 0's)")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    TRAIN["seed"] = args.seed   # read by the runners' libraries (scvi-tools: scvi.settings.seed at import)
    return args


def kept_label_indices(labels, fraction: float = LABELLED_FRACTION, seed: int = 0) -> np.ndarray:
    """Cells whose label is kept, stratified: for each type in sorted order, max(1, round(fraction * n_type)) cells drawn
    without replacement by one `numpy.random.default_rng(seed)`; every type keeps at least one labelled cell."""
    rng, labels = np.random.default_rng(seed), np.asarray(labels).astype(str)
    kept = [rng.choice(np.flatnonzero(labels == t), size=max(1, int(round(fraction * (labels == t).sum()))), replace=False)
            for t in sorted(np.unique(labels))]
    return np.sort(np.concatenate(kept))


def digest(idx) -> str:
    "A short fingerprint of an index array, so a table can check that both libraries used the same cells."
    import hashlib
    return hashlib.sha1(np.asarray(idx, np.int64).tobytes()).hexdigest()[:12]


def _categorical(values):
    import pandas as pd
    return pd.Categorical(np.asarray(values).astype(str))


def scanvi_inputs(dataset: str, seed: int = 0) -> dict:
    """The prepared AnnData turned into one scenario's inputs; `obs[SCANVI_LABELS_KEY]` holds what the models see.
    A (pbmc3k): one AnnData, the prepared 90/10 split, 10% of the labels kept. B (ifnb): reference (CTRL, all labels) and
    query (STIM, all labels UNLABELED) as separate AnnData, each split by the same rule as the prepared inputs.
    `seed` seeds the splits (0: the prepared ones); the kept labels of A are always seed 0's."""
    adata, train, val = load_inputs(dataset)
    if seed: train, val = split(adata.n_obs, seed=seed)
    truth = adata.obs[LABELS_KEY].astype(str).to_numpy()
    if dataset == "pbmc3k":
        kept = kept_label_indices(truth)
        seen = np.full(adata.n_obs, UNLABELED, dtype=object)
        seen[kept] = truth[kept]
        adata.obs[SCANVI_LABELS_KEY] = _categorical(seen)
        return dict(adata=adata, truth=truth, split=(train, val), labelled=kept,
                    evaluate=np.setdiff1d(np.arange(adata.n_obs), kept))
    if dataset == "ifnb":
        is_ref = adata.obs[BATCH_KEY].astype(str).to_numpy() == REFERENCE_BATCH
        ref, query = adata[is_ref].copy(), adata[~is_ref].copy()
        for a in (ref, query):  # only the categories present: the reference has one batch, the query a new one
            a.obs[BATCH_KEY] = _categorical(a.obs[BATCH_KEY])
            a.obs[LABELS_KEY] = _categorical(a.obs[LABELS_KEY])
        ref.obs[SCANVI_LABELS_KEY] = _categorical(ref.obs[LABELS_KEY])
        query.obs[SCANVI_LABELS_KEY] = _categorical([UNLABELED] * query.n_obs)
        return dict(ref=ref, query=query, truth_ref=truth[is_ref], truth_query=truth[~is_ref],
                    ref_split=split(ref.n_obs, seed=seed), query_split=split(query.n_obs, seed=seed))
    raise ValueError(f"no scANVI scenario for {dataset!r}; choose one of {list(SCANVI_SCENARIOS)}")


def label_scores(truth, pred) -> dict:
    """Accuracy, balanced accuracy (mean recall over the true types), macro F1 over the true types, per-type counts,
    recall, precision and F1, and the confusion matrix (rows: true type, columns: predicted)."""
    import pandas as pd
    truth, pred = np.asarray(truth).astype(str), np.asarray(pred).astype(str)
    per = {}
    for t in sorted(np.unique(truth)):
        tp, n_true, n_pred = int(((truth == t) & (pred == t)).sum()), int((truth == t).sum()), int((pred == t).sum())
        rec, prec = tp / n_true, (tp / n_pred if n_pred else 0.0)
        per[t] = dict(n=n_true, correct=tp, recall=rec, precision=prec,
                      f1=(2 * rec * prec / (rec + prec) if rec + prec else 0.0))
    conf = pd.crosstab(pd.Series(truth, name="true"), pd.Series(pred, name="predicted"))
    return dict(n=int(len(truth)), accuracy=float((truth == pred).mean()),
                balanced_accuracy=float(np.mean([p["recall"] for p in per.values()])),
                macro_f1=float(np.mean([p["f1"] for p in per.values()])), per_type=per,
                confusion={t: {p: int(v) for p, v in row.items()} for t, row in conf.iterrows()})


def knn_transfer(latent_from, labels_from, latent_to, k: int = KNN_K) -> np.ndarray:
    "The baseline: a k-nearest-neighbour vote (Euclidean, k=KNN_K) in the latent, from labelled cells to the others."
    from sklearn.neighbors import KNeighborsClassifier
    return KNeighborsClassifier(n_neighbors=k).fit(latent_from, np.asarray(labels_from).astype(str)).predict(latent_to)


def scanvi_result_path(dataset: str, library: str, suffix: str = ".json", seed: int = 0) -> Path:
    "Files of one scANVI run: .json (results), _confusion.csv, _latent.npy, _cells.csv, .log; `_seed{s}` for seeds > 0"
    return RESULTS / f"{dataset}_scanvi_{library}{f'_seed{seed}' if seed else ''}{suffix}"


class Library:
    """What a runner supplies: its library's calls, nothing else. Each `train_*` trains in place and returns
    dict(epochs=..., split_is_ours=True/False/None, kl_weight_last=... or None); the protocol times it."""
    name = version = "?"
    calls: dict = {}
    def make_scvi(self, adata, batch_key): raise NotImplementedError          # untrained SCVI, labels_key=SCANVI_LABELS_KEY
    def train_scvi(self, model, split, max_epochs=None): raise NotImplementedError
    def scanvi_from(self, scvi_model): raise NotImplementedError         # SCANVI.from_scvi_model(m, unlabeled_category=UNLABELED)
    def train_scanvi(self, model, split, max_epochs=None): raise NotImplementedError
    def query(self, adata, reference): raise NotImplementedError         # SCANVI.load_query_data(adata, reference)
    def train_query(self, model, split, max_epochs): raise NotImplementedError
    def predict(self, model, adata=None) -> np.ndarray: raise NotImplementedError  # label names
    def latent(self, model, adata=None) -> np.ndarray: raise NotImplementedError   # posterior means


def split_matches(model, split) -> bool | None:
    "Whether the model's recorded train / validation indices are `split`; None when the model does not record them."
    tr, va = getattr(model, "train_indices", None), getattr(model, "validation_indices", None)
    if tr is None or va is None: return None
    return bool(np.array_equal(np.sort(np.asarray(tr)), split[0]) and np.array_equal(np.sort(np.asarray(va)), split[1]))


def _stage(stages: dict, name: str, fn, *args, **kw):
    "Run one training stage, recording its wall time, CPU time and the machine's load before and after."
    load, c0, t0 = os.getloadavg(), time.process_time(), time.perf_counter()
    info = fn(*args, **kw) or {}
    stages[name] = dict(seconds=time.perf_counter() - t0, cpu_seconds=time.process_time() - c0,
                        loadavg_before=load[0], loadavg_after=os.getloadavg()[0], **info)


def _save_cells(lib: Library, dataset: str, seed: int, names, role, truth, pred, latent, out: dict):
    "The per-cell table (cell, role, true type, prediction) and the latent, in the same row order."
    import pandas as pd
    cells, lat = (scanvi_result_path(dataset, lib.name, suffix, seed) for suffix in ("_cells.csv", "_latent.npy"))
    pd.DataFrame(dict(cell=np.asarray(names), role=role, cell_type=truth, predicted=pred)).to_csv(cells, index=False)
    np.save(lat, np.asarray(latent, np.float32))
    out["files"].update(cells=cells.name, latent=lat.name)


def run_scanvi(lib: Library, args) -> dict:
    "The whole scANVI protocol for one library and one scenario; writes the JSON, the confusion CSV and the latent."
    inp = scanvi_inputs(args.dataset, args.seed)
    stages, notes = {}, []
    out = dict(library=lib.name, version=lib.version, dataset=args.dataset, seed=args.seed, scenario=SCANVI_SCENARIOS[args.dataset],
               settings=dict(scvi_epochs=args.scvi_epochs or "library default",
                             scanvi_epochs=args.scanvi_epochs or "library default", threads=N_THREADS,
                             unlabeled_category=UNLABELED, labels_key=SCANVI_LABELS_KEY, knn_k=KNN_K),
               calls=lib.calls, stages=stages, notes=notes, timing_caveat=TIMING_CAVEAT, files={})
    if args.dataset == "pbmc3k":
        adata, truth, ev, kept = inp["adata"], inp["truth"], inp["evaluate"], inp["labelled"]
        model = lib.make_scvi(adata, batch_key=None)
        _stage(stages, "scvi", lib.train_scvi, model, inp["split"], args.scvi_epochs)
        z_scvi = lib.latent(model)
        scanvi = lib.scanvi_from(model)
        _stage(stages, "scanvi", lib.train_scanvi, scanvi, inp["split"], args.scanvi_epochs)
        pred = lib.predict(scanvi)
        out.update(n_cells=adata.n_obs, n_genes=adata.n_vars, n_labelled=len(kept), labelled_digest=digest(kept),
                   split_digest=digest(inp["split"][0]), evaluated="the cells whose label was hidden",
                   scores=label_scores(truth[ev], pred[ev]),
                   scores_labelled_cells=label_scores(truth[kept], pred[kept]),
                   knn_on_scvi_latent=label_scores(truth[ev], knn_transfer(z_scvi[kept], truth[kept], z_scvi[ev])))
        if not args.no_latent:
            role = np.where(np.isin(np.arange(adata.n_obs), kept), "labelled", "hidden")
            _save_cells(lib, args.dataset, args.seed, adata.obs_names, role, truth, pred, lib.latent(scanvi), out)
    else:
        ref, query = inp["ref"], inp["query"]
        model = lib.make_scvi(ref, batch_key=BATCH_KEY)
        _stage(stages, "scvi", lib.train_scvi, model, inp["ref_split"], args.scvi_epochs)
        scanvi = lib.scanvi_from(model)
        _stage(stages, "scanvi", lib.train_scanvi, scanvi, inp["ref_split"], args.scanvi_epochs)
        z_ref_before = lib.latent(scanvi)
        pred_ref_before = lib.predict(scanvi)
        q = lib.query(query, scanvi)
        pred_untrained = lib.predict(q)   # the query read as the reference's batch, before its own training
        _stage(stages, "query", lib.train_query, q, inp["query_split"], args.query_epochs)
        pred, pred_ref = lib.predict(q), lib.predict(q, ref)
        z_ref, z_query = lib.latent(q, ref), lib.latent(q)
        out.update(n_cells=ref.n_obs + query.n_obs, n_genes=ref.n_vars, n_reference=ref.n_obs, n_query=query.n_obs,
                   split_digest=digest(inp["ref_split"][0]),
                   reference_batches=sorted(map(str, ref.obs[BATCH_KEY].unique())),
                   query_batches=sorted(map(str, query.obs[BATCH_KEY].unique())), query_epochs=args.query_epochs,
                   evaluated="the query (STIM) cells, all of whose labels were hidden",
                   scores=label_scores(inp["truth_query"], pred),
                   scores_query_before_training=label_scores(inp["truth_query"], pred_untrained),
                   scores_reference_before_query=label_scores(inp["truth_ref"], pred_ref_before),
                   scores_reference_after_query=label_scores(inp["truth_ref"], pred_ref),
                   reference_predictions_changed=float((pred_ref != pred_ref_before).mean()),
                   knn_on_query_latent=label_scores(inp["truth_query"], knn_transfer(z_ref, inp["truth_ref"], z_query)),
                   reference_latent_max_abs_change=float(np.abs(z_ref - z_ref_before).max()))
        if out["reference_latent_max_abs_change"] > 1e-4:
            notes.append("the reference cells' latent moved during the query training (max |change| "
                         f"{out['reference_latent_max_abs_change']:.3g}): reference weights were not all frozen")
        if not args.no_latent:
            _save_cells(lib, args.dataset, args.seed, np.r_[ref.obs_names, query.obs_names],
                        np.r_[["reference"] * ref.n_obs, ["query"] * query.n_obs],
                        np.r_[inp["truth_ref"], inp["truth_query"]], np.r_[pred_ref, pred],
                        np.vstack([z_ref, z_query]), out)
    for name, st in stages.items():
        if st.get("split_is_ours") is False: notes.append(f"{name}: the split used is NOT the prepared one")
    conf = scanvi_result_path(args.dataset, lib.name, "_confusion.csv", args.seed)
    import pandas as pd
    pd.DataFrame(out["scores"]["confusion"]).T.fillna(0).astype(int).rename_axis("true \\ predicted").to_csv(conf)
    out["files"]["confusion"] = conf.name
    out.update(peak_rss_mb=peak_rss_mb(), env=env_info())
    write_json(out, args.out or scanvi_result_path(args.dataset, lib.name, seed=args.seed))
    s = out["scores"]
    print(f"{lib.name} {args.dataset}: accuracy {s['accuracy']:.3f}, balanced {s['balanced_accuracy']:.3f}, macro F1 "
          f"{s['macro_f1']:.3f} on {s['n']} cells; " +
          ", ".join(f"{k} {v['seconds']:.1f}s/{v.get('epochs')} epochs" for k, v in stages.items()))
    return out
