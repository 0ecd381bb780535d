"""Check the loaders' conversions of the public files against the project's local .h5ad copies (run once, by hand).

The public files are read from local git clones of the repositories that hold them, at the commits the registry in
`scvi_nb.datasets._PUBLIC` pins; where a repository stores a file too large to clone (10x's counts matrix, the
processed PBMC 3k of cellxgene), the check says what it used instead. Nothing is downloaded and nothing is written
into the repository.

    python tools/check_public_sources.py --clones DIR --local ../shared/datasets

DIR holds the clones as `owner+name/repo` (e.g. `chthub+rDeepmaps/repo`, a bare or normal git directory)."""
import argparse, subprocess, sys, tarfile, tempfile, warnings
from pathlib import Path

import anndata as ad
import numpy as np
import pandas as pd
import scipy.io
import scipy.sparse as sp

from scvi_nb import datasets as D


def _git_show(repo: Path, commit: str, path: str) -> bytes:
    return subprocess.run(["git", "--git-dir", str(repo), "show", f"{commit}:{path}"], check=True, capture_output=True).stdout


def _same(name, got: ad.AnnData, want: ad.AnnData, obs_cols) -> bool:
    checks = {"shape": got.shape == want.shape,
              "cells (order)": list(got.obs_names) == list(want.obs_names),
              "genes (order)": list(got.var_names) == list(want.var_names),
              "counts": got.shape == want.shape and (sp.csr_matrix(got.X).astype(np.int64) != sp.csr_matrix(want.X).astype(np.int64)).nnz == 0}
    for c in obs_cols:
        checks[f"obs['{c}']"] = c in got.obs and got.obs[c].astype(str).tolist() == want.obs[c].astype(str).tolist()
    print(f"{name}: " + ", ".join(f"{k} {'equal' if v else 'DIFFER'}" for k, v in checks.items()))
    return all(checks.values())


def check_ifnb(clones: Path, local: Path) -> bool:
    repo = clones / "chthub+rDeepmaps" / "repo"
    entry = D._PUBLIC["ifnb_2800.rda"]
    commit = entry["urls"][0].split("/rDeepmaps/")[1].split("/")[0]
    with tempfile.TemporaryDirectory() as t:
        f = Path(t) / "ifnb_2800.rda"; f.write_bytes(_git_show(repo, commit, "data/ifnb_2800.rda"))
        sha, blob = D.file_sha256(f), D._git_blob_id(f)
        print(f"ifnb_2800.rda at rDeepmaps {commit[:8]}: sha256 {sha} ({'=' if sha == entry['sha256'] else '!='} registry), "
              f"git blob {blob} ({'=' if blob == entry['git_blob'] else '!='} registry)")
        got = D.load_ifnb(path=f)
    return sha == entry["sha256"] and blob == entry["git_blob"] and _same(
        "IFN-β from the .rda vs the local copy", got, ad.read_h5ad(local / D._DATASETS["ifnb"]["local"]), ["batch", "cell_type", "n_counts", "n_genes"])


def check_pbmc3k(clones: Path, local: Path) -> bool:
    "10x's genes.tsv and barcodes.tsv (scToolbox), the local copy's counts as matrix.mtx, scanpy's labels (cbioportal fixture)"
    import zarr
    want = ad.read_h5ad(local / D._DATASETS["pbmc3k"]["local"])
    tool = clones / "hmumme+scToolbox" / "repo"
    fix = clones / "cBioPortal+cbioportal-zarr-loader" / "repo"
    with tempfile.TemporaryDirectory() as t:
        t = Path(t); d = t / "filtered_gene_bc_matrices" / "hg19"; d.mkdir(parents=True)
        for n in ("genes.tsv", "barcodes.tsv"):
            (d / n).write_bytes(_git_show(tool, "ae12ae7cc6d26bd109adb9f9d9a335d559c1f024", f"data/pbmc3k/filtered_gene_bc_matrices/hg19/{n}"))
        scipy.io.mmwrite(d / "matrix.mtx", sp.coo_matrix(want.X.T.astype(np.int64)), field="integer")
        pub = t / "public"; pub.mkdir()
        with tarfile.open(pub / D._PBMC_FILES[0], "w:gz") as tz: tz.add(d.parent, arcname="filtered_gene_bc_matrices")
        z = t / "obs.zarr"
        for p in ("index", "louvain/codes", "louvain/categories"):
            for part in (".zarray", ".zattrs", "0"):
                rel = f"packages/zarrstore/fixtures/pbmc3k.zarr/obs/{p}/{part}"
                try: data = _git_show(fix, "HEAD", rel)
                except subprocess.CalledProcessError: continue
                (z / p).mkdir(parents=True, exist_ok=True); (z / p / part).write_bytes(data)
        index = np.array(zarr.open_array(str(z / "index"), mode="r")[:].tolist(), dtype=object)
        codes = np.asarray(zarr.open_array(str(z / "louvain/codes"), mode="r")[:])
        cats = list(zarr.open_array(str(z / "louvain/categories"), mode="r")[:].tolist())
        louvain = pd.Categorical.from_codes(codes, categories=cats)
        ad.AnnData(np.zeros((len(index), 1), np.float32), obs=pd.DataFrame({"louvain": louvain}, index=index)).write_h5ad(pub / D._PBMC_FILES[1])
        print(f"PBMC 3k: scToolbox genes.tsv sha256 {D.file_sha256(d / 'genes.tsv')}, barcodes.tsv sha256 {D.file_sha256(d / 'barcodes.tsv')}; "
              f"{len(index)} labelled barcodes from scanpy's pbmc3k_processed (cbioportal-zarr-loader's fixture)")
        got = D.load_pbmc3k(path=pub)
    ok = _same("PBMC 3k from 10x's files + scanpy's labels vs the local copy", got, want, ["cell_type", "labeled", "n_counts", "n_genes"])
    same_var = list(got.var_names) == list(want.var_names) and all(
        got.var[c].astype(str).tolist() == want.var[c].astype(str).tolist() for c in want.var.columns)
    print(f"PBMC 3k var (unique names, gene_ids, gene_symbols; values as strings): {'equal' if same_var else 'DIFFER'}; "
          f"cell_type categories {'equal' if list(got.obs.cell_type.cat.categories) == list(want.obs.cell_type.cat.categories) else 'DIFFER'}")
    return ok and same_var


def check_cortex(local: Path) -> bool:
    "The local 4,000-gene copy written in the Linnarsson lab's layout and read back; the 558 selection against scVI's np.std rule"
    want = ad.read_h5ad(local / D._DATASETS["cortex"]["local"])
    with tempfile.TemporaryDirectory() as t:
        f = Path(t) / "expression_mRNA_17-Aug-2014.txt"
        o = want.obs
        meta = [("tissue", o.tissue), ("group #", o.group_no), ("total mRNA mol", o.total_mRNA_mol), ("well", o.well), ("sex", o.sex),
                ("age", o.age), ("diameter", o.diameter), ("cell_id", o.index), ("level1class", o.cell_type), ("level2class", o.level2class)]
        X = want.X.toarray().T
        with open(f, "w") as fh:
            for k, v in meta: fh.write("\t" + k + "\t" + "\t".join(map(str, v)) + "\n")
            fh.write("\t" * (want.n_obs + 1) + "\n")
            for g, row in zip(want.var_names, X): fh.write(f"{g}\t1\t" + "\t".join(map(str, row)) + "\n")
        got = D._read_cortex_txt(f)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore"); sel = D.load_cortex(path=f)
    ok = _same("Cortex read from the original text layout vs the local copy", got, want, ["cell_type", "level2class", "tissue", "total_mRNA_mol"])
    scvi_rule = np.sort(np.std(want.X.toarray(), axis=0).argsort()[-558:])
    same_sel = list(sel.var_names) == list(want.var_names[scvi_rule]) == list(want.var_names[want.var["top558_std_within_these_4000"].to_numpy()])
    print(f"Cortex 558 genes: load_cortex, scVI's np.std(X, axis=0).argsort()[-558:] and the copy's top558 flag {'agree' if same_sel else 'DIFFER'}")
    return ok and same_sel


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clones", type=Path, required=True); ap.add_argument("--local", type=Path, required=True)
    a = ap.parse_args()
    results = [check_ifnb(a.clones, a.local), check_pbmc3k(a.clones, a.local), check_cortex(a.local)]
    print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
    sys.exit(0 if all(results) else 1)
