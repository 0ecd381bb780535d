"""GPU figures for Build 8, in one run (under 8 minutes on one H100/H200-class card):

1. training throughput (cells/s) of one epoch at batch 128, 1,024, 4,096 and 16,384 on 100,000 x 2,000 synthetic CSR
   counts, the counts copied to the device once (`ScviDataModule` does this for a single-GPU run);
2. PBMC 3k (the benchmark's prepared 2,000 HVG, if benchmarks/results/pbmc3k.h5ad is there): `SCVI(adata).train()` at
   the package defaults on the GPU, its wall time and held-out IWAE (200 samples) on the prepared validation cells.

    python benchmarks/gpu_bench.py [--smoke] [--out FILE.json]

`--smoke` runs everything tiny (on the CPU if there is no GPU) to check the script itself.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))


def throughput(n_cells: int, n_genes: int, batch_sizes, device: str, epochs: int = 2) -> list[dict]:
    "Cells per second of training epochs (after one warm-up epoch) at each batch size, data on `device`"
    import scipy.sparse as sp
    import anndata as ad
    from scvi_nb import SCVI
    rng = np.random.default_rng(0)
    X = sp.random(n_cells, n_genes, density=0.1, format="csr", random_state=0, dtype=np.float32,
                  data_rvs=lambda k: rng.poisson(3.0, k) + 1.0)
    adata = ad.AnnData(X=X)
    rows = []
    for bs in batch_sizes:
        model = SCVI(adata, batch_key=None)
        t0 = time.perf_counter()
        model.train(max_epochs=1 + epochs, batch_size=bs, early_stopping=False, accelerator="gpu" if device == "cuda" else "cpu",
                    devices=1, enable_progress_bar=False)
        times = model.history_df["time"].to_numpy()
        per_epoch = float(np.diff(times).mean()) if len(times) > 1 else float(times[0])
        n_train = len(model.train_indices)
        rows.append(dict(batch_size=bs, seconds_per_epoch=per_epoch, cells_per_second=n_train / per_epoch,
                         wall_s=time.perf_counter() - t0))
        print(f"batch {bs:>6}: {per_epoch:.3f} s/epoch, {n_train / per_epoch:,.0f} cells/s", flush=True)
    return rows


def pbmc_defaults(device: str) -> dict | None:
    "SCVI(adata).train() at the defaults on the prepared PBMC 3k inputs; wall time and held-out IWAE"
    from _common import iwae_summary, load_inputs
    from run_scvi_nb import log_weights
    from scvi_nb import SCVI
    try: adata, train_idx, val_idx = load_inputs("pbmc3k")
    except FileNotFoundError as e:
        print(f"PBMC skipped: {e}"); return None
    model = SCVI(adata, batch_key=None)
    t0 = time.perf_counter()
    model.train(enable_progress_bar=False, accelerator="gpu" if device == "cuda" else "cpu", devices=1)
    wall = time.perf_counter() - t0
    model.module.cpu()
    torch.manual_seed(0)
    iw = iwae_summary(log_weights(model, adata, val_idx))
    print(f"PBMC 3k defaults on {device}: {wall:.1f} s, {len(model.history_df)} epochs, held-out IWAE {iw['heldout_iwae']:.2f}")
    return dict(wall_s=wall, epochs=len(model.history_df), **iw)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    card = torch.cuda.get_device_name(0) if device == "cuda" else "no GPU (CPU)"
    print(f"device: {card}; torch {torch.__version__}", flush=True)
    n, bss = (2_000, [128, 1024]) if args.smoke else (100_000, [128, 1024, 4096, 16384])
    res = dict(device=card, torch=torch.__version__, n_cells=n, n_genes=2000,
               throughput=throughput(n, 2000, bss, device, epochs=1 if args.smoke else 2))
    if not args.smoke: res["pbmc3k_defaults"] = pbmc_defaults(device)
    if args.out: args.out.write_text(json.dumps(res, indent=1))
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
