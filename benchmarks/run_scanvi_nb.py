"""scvi_nb's SCANVI through the shared label-transfer protocol (`_common.run_scanvi`); writes its JSON.

    python benchmarks/run_scanvi_nb.py --dataset pbmc3k
    python benchmarks/run_scanvi_nb.py --dataset ifnb --query-epochs 100

Written against DESIGN.md's Build 9 contract: `SCVI(adata, batch_key=, labels_key=)`, `.train()`,
`SCANVI.from_scvi_model(scvi_model, unlabeled_category)`, `.train(max_epochs=None, seed=0, **kw)`,
`.predict(adata=None)`, `SCANVI.load_query_data(adata, reference)`, `.get_latent(adata=None)`.
"""
from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (N_THREADS, SCANVI_LABELS_KEY, TRAIN, UNLABELED, Library, run_scanvi, scanvi_args,  # noqa: E402
                     split_matches)


class ScviNb(Library):
    name = "scvi_nb"
    calls = dict(
        scvi=f"scvi_nb.SCVI(adata, batch_key=..., labels_key={SCANVI_LABELS_KEY!r}).train(seed=<seed>, enable_progress_bar=False)",
        scanvi=f"scvi_nb.SCANVI.from_scvi_model(scvi_model, unlabeled_category={UNLABELED!r})"
               ".train(seed=<seed>, enable_progress_bar=False)",
        query="scvi_nb.SCANVI.load_query_data(query, reference_scanvi).train(max_epochs=<query epochs>, seed=<seed>, "
              "early_stopping=False, enable_progress_bar=False)",
        predict="model.predict(adata)", latent="model.get_latent(adata)")

    def __init__(self):
        import torch
        torch.set_num_threads(N_THREADS)
        import scvi_nb
        warnings.filterwarnings("ignore", category=UserWarning)
        if not hasattr(scvi_nb, "SCANVI"):
            raise SystemExit(f"scvi_nb {scvi_nb.__version__} at {scvi_nb.__file__} has no SCANVI (Build 9) yet")
        self.lib, self.version = scvi_nb, scvi_nb.__version__

    @staticmethod
    def _info(model, split):
        h = getattr(model, "history", None)
        return dict(epochs=None if h is None else int(len(h)), split_is_ours=split_matches(model, split),
                    kl_weight_last=float(h["kl_weight"].iloc[-1]) if h is not None and "kl_weight" in h else None)

    def make_scvi(self, adata, batch_key):
        return self.lib.SCVI(adata, batch_key=batch_key, labels_key=SCANVI_LABELS_KEY)

    def train_scvi(self, model, split, max_epochs=None):  # scvi_nb's own split for a seed is `_common.split`'s
        model.train(max_epochs=max_epochs, seed=TRAIN["seed"], enable_progress_bar=False)
        return self._info(model, split)

    def scanvi_from(self, scvi_model):
        return self.lib.SCANVI.from_scvi_model(scvi_model, unlabeled_category=UNLABELED)

    def train_scanvi(self, model, split, max_epochs=None):
        model.train(max_epochs=max_epochs, seed=TRAIN["seed"], enable_progress_bar=False)
        return self._info(model, split)

    def query(self, adata, reference):
        return self.lib.SCANVI.load_query_data(adata, reference)

    def train_query(self, model, split, max_epochs):  # exactly max_epochs, as scvi-tools (which has no early stopping)
        model.train(max_epochs=max_epochs, seed=TRAIN["seed"], early_stopping=False, enable_progress_bar=False)
        return self._info(model, split)

    def predict(self, model, adata=None):
        return np.asarray(model.predict(adata)).astype(str)

    def latent(self, model, adata=None):
        return np.asarray(model.get_latent(adata))


if __name__ == "__main__":
    args = scanvi_args()   # first: it sets the seed the library reads when it is set up
    run_scanvi(ScviNb(), args)
