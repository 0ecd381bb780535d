"""Quality check of scvi_nb's SCANVI (Build 9), not a timing: label accuracy on real data.

    python benchmarks/scratch_scanvi.py pbmc       # PBMC 3k, 10% of the cells keep their label; accuracy on the other 90%
    python benchmarks/scratch_scanvi.py ifnb       # IFN-beta: reference = CTRL (all labelled), query = STIM (no labels)
    python benchmarks/scratch_scanvi.py all

Data as benchmarks/prepare.py makes them (2,000 HVG, seurat_v3); SCVI().train() at its defaults, then
SCANVI.from_scvi_model(...).train() at its defaults. The labelled 10% of PBMC: numpy default_rng(seed).permutation(n)
[:round(0.1 n)]. Extra flags (--lr, --warmup, --epochs) override SCANVI.train's defaults for experiments.
"""
import argparse, json, logging, sys, time, warnings
from pathlib import Path
import numpy as np
import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import prepare  # noqa: E402  (the benchmark's loaders: same cells and genes as the scvi-tools side)
from scvi_nb import SCVI, SCANVI  # noqa: E402

warnings.filterwarnings("ignore")
logging.getLogger("pytorch_lightning").setLevel(logging.ERROR)
UNL = "Unknown"


def _data(name):
    adata, note = prepare.LOADERS[name]()
    return prepare._clean(adata, note)


def _scanvi_kw(args):
    kw = {}
    if args.lr is not None: kw["lr"] = args.lr
    if args.warmup is not None: kw["n_epochs_kl_warmup"] = args.warmup
    if args.epochs is not None: kw["max_epochs"] = args.epochs
    return kw


def pbmc(args):
    a = _data("pbmc3k")
    n = a.n_obs
    lab = np.zeros(n, bool); lab[np.random.default_rng(args.seed).permutation(n)[:round(0.1 * n)]] = True
    a.obs["scanvi_label"] = np.where(lab, a.obs.cell_type.astype(str), UNL)
    t = time.time(); m = SCVI(a).train(seed=args.seed, enable_progress_bar=False); t_scvi = time.time() - t
    t = time.time(); s = SCANVI.from_scvi_model(m, UNL, labels_key="scanvi_label").train(seed=args.seed, enable_progress_bar=False, **_scanvi_kw(args))
    t_scanvi = time.time() - t
    pred = s.predict()
    truth = a.obs.cell_type.astype(str).values
    return dict(data="pbmc3k", cells=n, labelled=int(lab.sum()), scvi_epochs=len(m.history), scanvi_epochs=len(s.history),
                accuracy_unlabelled=float((pred[~lab] == truth[~lab]).mean()),
                accuracy_labelled=float((pred[lab] == truth[lab]).mean()), scvi_s=round(t_scvi, 1), scanvi_s=round(t_scanvi, 1))


def ifnb(args):
    a = _data("ifnb")
    ref, qry = a[a.obs.batch == "CTRL"].copy(), a[a.obs.batch == "STIM"].copy()
    truth = qry.obs.cell_type.astype(str).values
    del qry.obs["cell_type"]                       # the query is unlabelled
    t = time.time(); m = SCVI(ref, batch_key="batch", labels_key="cell_type").train(seed=args.seed, enable_progress_bar=False)
    s = SCANVI.from_scvi_model(m, UNL).train(seed=args.seed, enable_progress_bar=False, **_scanvi_kw(args)); t_ref = time.time() - t
    q = SCANVI.load_query_data(qry, s)
    acc0 = float((q.predict() == truth).mean())
    t = time.time(); q.train(seed=args.seed, enable_progress_bar=False); t_q = time.time() - t
    ref_state = s.module.state_dict()
    same = all(torch.equal(q.module.state_dict()[k][tuple(slice(0, d) for d in v.shape)], v) for k, v in ref_state.items())
    return dict(data="ifnb", reference="CTRL", query="STIM", ref_cells=ref.n_obs, query_cells=qry.n_obs,
                ref_accuracy_on_itself=float((s.predict() == ref.obs.cell_type.astype(str).values).mean()),
                query_accuracy_before_training=acc0, query_accuracy=float((q.predict() == truth).mean()),
                query_epochs=len(q.history), reference_weights_bit_identical=same, ref_s=round(t_ref, 1), query_s=round(t_q, 1))


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["pbmc", "ifnb", "all"])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--lr", type=float, default=None)
    ap.add_argument("--warmup", type=int, default=None)
    ap.add_argument("--epochs", type=int, default=None)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    for what in (["pbmc", "ifnb"] if args.what == "all" else [args.what]):
        print(json.dumps(dict(**globals()[what](args), seed=args.seed, lr=args.lr, warmup=args.warmup)), flush=True)
