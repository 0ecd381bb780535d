"""Make the benchmark's shared inputs: one h5ad per dataset and one train / validation split.

Both runners read exactly these files, so both libraries see the same cells, genes and split.

    python benchmarks/prepare.py --datasets pbmc3k cortex synthetic

Writes to benchmarks/results/ (git-ignored): {dataset}.h5ad (raw counts in X as CSR,
ground-truth labels in obs['cell_type']), {dataset}_train_idx.npy, {dataset}_val_idx.npy and
prepare_manifest.json (how each input was made).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import BATCH_KEY, DATASETS, LABELS_KEY, RESULTS, data_paths, split, write_json  # noqa: E402

os.environ.setdefault("SCVI_NB_DATA", str(Path(__file__).resolve().parents[2] / "shared" / "datasets"))  # as .ci/run
N_HVG = 2000
SYNTH = dict(n_cells=3000, n_genes=558, n_batches=1, n_types=5, seed=0)
SYNTH_100K = dict(n_cells=100_000, n_genes=2000, n_batches=1, n_types=5, seed=0)   # the scale of benchmarks/scale.py


def _hvg(adata, note, batch_key=None):
    "2,000 HVG by seurat_v3 on raw counts (genes seen in at least one cell); a fallback that the manifest names."
    import scanpy as sc
    if adata.n_vars <= N_HVG:
        note["hvg"] = f"none: the loader already returned {adata.n_vars} genes"
        return adata
    sc.pp.filter_genes(adata, min_cells=1)
    try:
        import skmisc  # noqa: F401  (seurat_v3 needs its loess)
        sc.pp.highly_variable_genes(adata, flavor="seurat_v3", n_top_genes=N_HVG, subset=True, batch_key=batch_key)
        note["hvg"] = f"scanpy seurat_v3, {N_HVG} genes, on raw counts" + (f", batch_key={batch_key!r}" if batch_key else "")
        return adata
    except ImportError:
        tmp = adata.copy()
        sc.pp.normalize_total(tmp, target_sum=1e4)
        sc.pp.log1p(tmp)
        sc.pp.highly_variable_genes(tmp, flavor="seurat", n_top_genes=N_HVG)
        note["hvg"] = f"FALLBACK scanpy seurat (log-normalised), {N_HVG} genes: scikit-misc missing"
        return adata[:, tmp.var["highly_variable"].values].copy()


def _pbmc3k():
    "PBMC 3k, the 2,638 labelled cells, 2,000 HVG by seurat_v3 on raw counts."
    from scvi_nb.data import load_pbmc3k
    adata, note = load_pbmc3k(), {"loader": "scvi_nb.data.load_pbmc3k()"}
    if "labeled" in adata.obs:
        adata = adata[adata.obs["labeled"].astype(bool).values].copy()
    note["cells_labelled"] = int(adata.n_obs)
    return _hvg(adata, note), note


def _ifnb():
    "IFN-β (Kang et al. 2018), 2,800 cells, CTRL/STIM as the batch, 2,000 HVG by seurat_v3 on raw counts."
    from scvi_nb.data import load_ifnb
    adata, note = load_ifnb(), {"loader": "scvi_nb.data.load_ifnb()", "batch": "obs['batch'] = condition (CTRL/STIM)"}
    return _hvg(adata, note, batch_key=BATCH_KEY), note


def _cortex():
    "Cortex, 3,005 cells, the 558-gene stand-in chosen by scvi_nb.data.load_cortex."
    from scvi_nb.data import load_cortex
    return load_cortex(n_genes=558), {"loader": "scvi_nb.data.load_cortex(n_genes=558)"}


def _synthetic(params=SYNTH):
    "Counts from scvi_nb's own generative model (one batch; SYNTH: 3,000 x 558, SYNTH_100K: 100,000 x 2,000), labels = true types."
    from scvi_nb.data import synthetic
    a = synthetic(**params)
    note = {"loader": f"scvi_nb.data.synthetic(**{params})"}
    if LABELS_KEY not in a.obs:
        for k in ("cell_type", "type", "labels", "label", "true_type"):
            if k in a.obs:
                a.obs[LABELS_KEY] = a.obs[k].astype(str).astype("category")
                note["labels_from"] = f"obs['{k}']"
                break
        else:
            raise ValueError(f"synthetic() returned obs columns {list(a.obs)}; none holds the true "
                             f"cell type: update prepare._synthetic")
    return a, note


LOADERS = dict(pbmc3k=_pbmc3k, cortex=_cortex, ifnb=_ifnb, synthetic=_synthetic,
               synthetic100k=lambda: _synthetic(SYNTH_100K))   # 100,000 x 2,000: the defaults at scale


def _clean(adata, note):
    "Raw int counts in X as float32 CSR, labels as str categories, nothing else the runners could trip on."
    import anndata as ad
    import scipy.sparse as sp
    X = adata.X if sp.issparse(adata.X) else sp.csr_matrix(adata.X)
    X = sp.csr_matrix(X, dtype=np.float32)
    if X.nnz and (X.data.min() < 0 or not np.allclose(X.data, np.round(X.data))):
        raise ValueError("X is not raw counts")
    labels = adata.obs[LABELS_KEY].astype(str).values
    obs = {LABELS_KEY: labels}
    if BATCH_KEY in adata.obs: obs[BATCH_KEY] = adata.obs[BATCH_KEY].astype(str).values
    out = ad.AnnData(X=X, obs=obs, var={"gene": adata.var_names.astype(str)})
    out.obs_names, out.var_names = adata.obs_names.astype(str), adata.var_names.astype(str)
    for k in out.obs: out.obs[k] = out.obs[k].astype("category")
    note.update(n_cells=int(out.n_obs), n_genes=int(out.n_vars),
                n_types=int(out.obs[LABELS_KEY].nunique()),
                cells_per_type=out.obs[LABELS_KEY].value_counts().to_dict())
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--datasets", nargs="+", default=list(DATASETS), choices=DATASETS)
    ap.add_argument("--force", action="store_true", help="remake inputs that already exist")
    args = ap.parse_args(argv)
    RESULTS.mkdir(parents=True, exist_ok=True)
    manifest_path = RESULTS / "prepare_manifest.json"
    import json
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    for ds in args.datasets:
        p = data_paths(ds)
        if not args.force and all(v.exists() for v in p.values()):
            print(f"{ds}: inputs exist, keeping them (--force to remake)")
            continue
        adata, note = LOADERS[ds]()
        adata = _clean(adata, note)
        train, val = split(adata.n_obs)
        note.update(n_train=len(train), n_val=len(val), split="numpy default_rng(0) permutation, round(0.9 n) train")
        adata.write_h5ad(p["h5ad"], compression="gzip")
        np.save(p["train"], train)
        np.save(p["val"], val)
        manifest[ds] = note
        print(f"{ds}: {adata.n_obs} cells x {adata.n_vars} genes, {note['n_types']} types, "
              f"{len(train)} train / {len(val)} val; {note['loader']}; {note.get('hvg', '')}")
    write_json(manifest, manifest_path)


if __name__ == "__main__":
    main()
