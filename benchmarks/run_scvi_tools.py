"""Train scvi-tools' SCVI on a prepared dataset and write its benchmark JSON.

Run with the benchmark's own interpreter (scvi-tools is never a dependency of scvi_nb):

    benchmarks/.venv-scvi/bin/python benchmarks/run_scvi_tools.py --dataset cortex --epochs 400
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (ARCH, BATCH_KEY, IWAE_CHUNK, LABELS_KEY, N_IWAE, N_THREADS, TRAIN, as_elbo,  # noqa: E402
                     clustering_scores, env_info, epoch_clock, iwae_cells, iwae_summary, load_inputs, peak_rss_mb, recipe, result_path,
                     runner_args, split_for, write_json)


def log_weights(model, adata, indices, n_samples=N_IWAE, chunk=IWAE_CHUNK) -> np.ndarray:
    """log p(y, z_k, l_k) - log q(z_k, l_k | y) for k = 1..n_samples, shape (n_samples, cells), from scvi-tools' own
    `module.inference` and `module.generative`. Its `get_marginal_ll` is not used: in 1.4.2 its one-sample value sits
    far above the ELBO (Cortex: -1221.9 against -1299.4), which an importance estimate cannot do on average."""
    import torch
    from torch.distributions import Normal
    module = model.module.eval()
    out = []
    for tensors in model._make_data_loader(adata=adata, indices=indices, batch_size=chunk, shuffle=False):
        x, b = tensors["X"], tensors["batch"]
        with torch.no_grad():
            inf = module.inference(x, b, n_samples=n_samples)
            z, qz, ql, lib = inf["z"], inf["qz"], inf["ql"], inf["library"]
            gen = module.generative(z, lib, b)
            lw = gen["px"].log_prob(x).sum(-1) + Normal(0.0, 1.0).log_prob(z).sum(-1) - qz.log_prob(z).sum(-1)
            if ql is not None:  # latent library: its prior and posterior enter the weight too
                lw = lw + (gen["pl"].log_prob(lib) - ql.log_prob(lib)).sum(-1)
        out.append(lw.cpu().numpy())
    return np.concatenate(out, axis=1)


def _scvi():
    "scvi-tools, imported with the benchmark's threads, seed and no loader workers (both modes)"
    import torch
    torch.set_num_threads(N_THREADS)
    import scvi
    warnings.filterwarnings("ignore", category=UserWarning)
    scvi.settings.seed = TRAIN["seed"]
    scvi.settings.num_threads = N_THREADS
    scvi.settings.dl_num_workers = 0
    return scvi


def main_defaults(args):
    """SCVI(adata).train() at scvi-tools' defaults (or, with --recipe, given scvi_nb's recipe), on the prepared split
    (or split --split); IWAE and ELBO on the validation cells."""
    import torch
    scvi = _scvi()
    scvi.settings.seed = args.split       # split s: seed s for both libraries
    adata, train_idx, val_idx = load_inputs(args.dataset)
    train_idx, val_idx = split_for(args.dataset, adata.n_obs, train_idx, val_idx, args.split)
    batch_key = BATCH_KEY if BATCH_KEY in adata.obs else None
    scvi.model.SCVI.setup_anndata(adata, batch_key=batch_key)
    model = scvi.model.SCVI(adata)
    kw = recipe(adata.n_obs, args.max_epochs) if args.recipe else (dict(max_epochs=args.max_epochs) if args.max_epochs else {})
    t0 = time.perf_counter()
    model.train(datasplitter_kwargs=dict(external_indexing=[train_idx, val_idx, np.array([], dtype=np.int64)]),
                enable_progress_bar=False, default_root_dir=tempfile.mkdtemp(prefix="scvi_tools_bench_"), **kw)
    train_s = time.perf_counter() - t0
    split_ok = (np.array_equal(np.sort(model.train_indices), train_idx)
                and np.array_equal(np.sort(model.validation_indices), val_idx))
    torch.manual_seed(0)
    iw = iwae_summary(log_weights(model, adata, iwae_cells(val_idx)))
    scores = clustering_scores(model.get_latent_representation(), adata.obs[LABELS_KEY].values, seed=TRAIN["seed"])
    epochs_run = int(model.history["kl_weight"].shape[0]) if "kl_weight" in model.history else None
    lib = "scvi-tools-recipe" if args.recipe else "scvi-tools"
    out = dict(library=lib, version=scvi.__version__, dataset=args.dataset, mode="defaults", split=args.split,
               n_cells=adata.n_obs, n_genes=adata.n_vars, batch_key=batch_key, split_is_ours=bool(split_ok),
               train_seconds=train_s, epochs_run=epochs_run, **iw, **scores, peak_rss_mb=peak_rss_mb(),
               call=f"scvi.model.SCVI(adata).train(datasplitter_kwargs=<the split>, enable_progress_bar=False, **{kw})",
               env=env_info())
    write_json(out, args.out or result_path(args.dataset, lib, "defaults", args.split, args.max_epochs))
    print(f"{lib} {args.dataset} defaults split {args.split}: {train_s:.1f}s, {epochs_run} epochs, held-out IWAE "
          f"{iw['heldout_iwae']:.2f} ELBO {iw['heldout_elbo_mc']:.2f}, ARI {scores['ari']:.3f} NMI {scores['nmi']:.3f}")


def main(argv=None):
    args = runner_args(argv)
    if args.defaults: return main_defaults(args)
    scvi = _scvi()
    import lightning.pytorch as pl

    adata, train_idx, val_idx = load_inputs(args.dataset)
    rss_after_load = peak_rss_mb()
    scvi.model.SCVI.setup_anndata(adata)  # no batch, no labels: same as scvi_nb.SCVI(adata)
    model = scvi.model.SCVI(
        adata, n_latent=ARCH["n_latent"], n_hidden=ARCH["n_hidden"], n_layers=ARCH["n_layers"],
        dropout_rate=ARCH["dropout_rate"], gene_likelihood=ARCH["likelihood"],
        dispersion=ARCH["dispersion"], use_observed_lib_size=ARCH["library"] == "observed")

    load_before = os.getloadavg()
    c0, t0 = time.process_time(), time.perf_counter()
    clock = epoch_clock(pl.Callback)
    model.train(
        max_epochs=args.epochs, accelerator="cpu", devices=1, batch_size=TRAIN["batch_size"],
        early_stopping=TRAIN["early_stopping"],
        datasplitter_kwargs=dict(external_indexing=[train_idx, val_idx, np.array([], dtype=np.int64)]),
        plan_kwargs=dict(lr=TRAIN["lr"], n_epochs_kl_warmup=TRAIN["n_epochs_kl_warmup"]),
        enable_progress_bar=False, enable_checkpointing=False, callbacks=[clock],
        check_val_every_n_epoch=1,  # validation ELBO every epoch (scvi-tools skips it without early stopping)
        default_root_dir=tempfile.mkdtemp(prefix="scvi_tools_bench_"))
    train_s, train_cpu_s = time.perf_counter() - t0, time.process_time() - c0
    load_after = os.getloadavg()

    # the split scvi-tools actually used must be ours
    used_train = getattr(model, "train_indices", None)
    used_val = getattr(model, "validation_indices", None)
    split_ok = (used_train is not None and np.array_equal(np.sort(used_train), train_idx)
                and np.array_equal(np.sort(used_val), val_idx))

    h = model.history
    epochs_run = len(h["elbo_validation"]) if "elbo_validation" in h else None
    # scvi-tools logs the validation loss (negative ELBO per cell, positive); report it as an ELBO
    val_curve = [as_elbo(v)[0] for v in h["elbo_validation"].iloc[:, 0].to_numpy()] if epochs_run else []
    train_curve = h["train_loss_epoch"].iloc[:, 0].tolist() if "train_loss_epoch" in h else []  # KL-weighted loss
    elbo_train = h["elbo_train"].iloc[:, 0].tolist() if "elbo_train" in h else []  # -ELBO, full KL
    kl_curve = h["kl_weight"].iloc[:, 0].tolist() if "kl_weight" in h else []

    t1 = time.perf_counter()
    raw_elbo = model.get_elbo(indices=val_idx)
    raw_elbo = float(raw_elbo.item() if hasattr(raw_elbo, "item") else raw_elbo)
    elbo, flipped = as_elbo(raw_elbo)
    latent = model.get_latent_representation()  # posterior means, all cells
    eval_s = time.perf_counter() - t1
    scores = clustering_scores(latent, adata.obs[LABELS_KEY].values, seed=TRAIN["seed"])

    n_train = len(train_idx)
    out = dict(
        library="scvi-tools", version=scvi.__version__, dataset=args.dataset,
        n_cells=adata.n_obs, n_genes=adata.n_vars, n_train=n_train, n_val=len(val_idx),
        split_is_ours=bool(split_ok), epochs=args.epochs, epochs_run=epochs_run,
        train_seconds=train_s, seconds_per_epoch=train_s / args.epochs,
        cells_per_second=n_train * args.epochs / train_s, train_cpu_seconds=train_cpu_s,
        loadavg_before=load_before, loadavg_after=load_after, eval_seconds=eval_s,
        heldout_elbo=elbo, heldout_elbo_raw=raw_elbo, heldout_elbo_sign_flipped=flipped,
        heldout_elbo_source="model.get_elbo(indices=val_idx)  (1.4.2 returns -compute_elbo, i.e. the ELBO)",
        final_val_elbo_curve=val_curve[-1] if val_curve else None,
        **scores, peak_rss_mb=peak_rss_mb(), rss_after_load_mb=rss_after_load,
        timeline=dict(epoch=list(range(len(val_curve))), time=clock.times[:len(val_curve)],
                      elbo_validation=val_curve, train_loss=train_curve, neg_elbo_train=elbo_train,
                      kl_weight=kl_curve),
        settings=dict(ARCH, **TRAIN, accelerator="cpu", threads=N_THREADS,
                      adam="scvi-tools default: Adam(lr, eps=0.01, weight_decay=1e-6)"),
        env=env_info(),
    )
    write_json(out, args.out or result_path(args.dataset, "scvi-tools", args.epochs))
    print(f"scvi-tools {args.dataset}: {train_s:.1f}s ({train_s / args.epochs:.3f} s/epoch), "
          f"held-out ELBO {elbo:.2f}, ARI {scores['ari']:.3f} NMI {scores['nmi']:.3f} ASW {scores['asw']:.3f}")


if __name__ == "__main__":
    main()
