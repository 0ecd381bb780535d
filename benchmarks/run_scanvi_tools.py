"""scvi-tools' scANVI through the shared label-transfer protocol (`_common.run_scanvi`); writes its JSON.

Run with the benchmark's own interpreter (scvi-tools is never a dependency of scvi_nb):

    benchmarks/.venv-scvi/bin/python benchmarks/run_scanvi_tools.py --dataset pbmc3k
    benchmarks/.venv-scvi/bin/python benchmarks/run_scanvi_tools.py --dataset ifnb --query-epochs 100
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import SCANVI_LABELS_KEY, UNLABELED, Library, run_scanvi, scanvi_args, split_matches  # noqa: E402
from run_scvi_tools import _scvi  # noqa: E402  (threads, TRAIN["seed"], no loader workers: as the SCVI benchmark)


class ScviTools(Library):
    name = "scvi-tools"
    calls = dict(
        scvi=f"scvi.model.SCVI.setup_anndata(adata, batch_key=..., labels_key={SCANVI_LABELS_KEY!r}); "
             "SCVI(adata).train(datasplitter_kwargs=<the split>, enable_progress_bar=False)",
        scanvi=f"SCANVI.from_scvi_model(scvi_model, unlabeled_category={UNLABELED!r})"
               ".train(datasplitter_kwargs=<the split>, enable_progress_bar=False)",
        query="SCANVI.load_query_data(query, reference_scanvi).train(max_epochs=<query epochs>, "
              "plan_kwargs=dict(weight_decay=0.0), datasplitter_kwargs=<the query split>, enable_progress_bar=False)",
        predict="model.predict(adata)", latent="model.get_latent_representation(adata)")

    def __init__(self):
        self.st = _scvi()
        self.version = self.st.__version__
        self.root = tempfile.mkdtemp(prefix="scanvi_tools_bench_")  # Lightning's logs, out of the working tree

    def _kw(self, split):
        "The prepared split (scvi-tools' only non-default argument) and no progress bar."
        return dict(datasplitter_kwargs=dict(external_indexing=[split[0], split[1], np.array([], dtype=np.int64)]),
                    enable_progress_bar=False, default_root_dir=self.root)

    @staticmethod
    def _info(model, split):
        h = model.history
        key = "train_loss_epoch" if "train_loss_epoch" in h else next(iter(h))
        return dict(epochs=int(len(h[key])), split_is_ours=split_matches(model, split),
                    kl_weight_last=float(h["kl_weight"].iloc[-1, 0]) if "kl_weight" in h else None)

    def make_scvi(self, adata, batch_key):
        self.st.model.SCVI.setup_anndata(adata, batch_key=batch_key, labels_key=SCANVI_LABELS_KEY)
        return self.st.model.SCVI(adata)

    def train_scvi(self, model, split, max_epochs=None):
        model.train(max_epochs=max_epochs, **self._kw(split))
        return self._info(model, split)

    def scanvi_from(self, scvi_model):
        return self.st.model.SCANVI.from_scvi_model(scvi_model, unlabeled_category=UNLABELED)

    def train_scanvi(self, model, split, max_epochs=None):
        model.train(max_epochs=max_epochs, **self._kw(split))  # None: min(10, max(2, round(400 / 3))) = 10 after SCVI
        return self._info(model, split)

    def query(self, adata, reference):
        return self.st.model.SCANVI.load_query_data(adata, reference)

    def train_query(self, model, split, max_epochs):
        model.train(max_epochs=max_epochs, plan_kwargs=dict(weight_decay=0.0), **self._kw(split))
        return self._info(model, split)

    def predict(self, model, adata=None):
        return np.asarray(model.predict(adata)).astype(str)

    def latent(self, model, adata=None):
        return np.asarray(model.get_latent_representation(adata))


if __name__ == "__main__":
    args = scanvi_args()   # first: it sets the seed the library reads when it is set up
    run_scanvi(ScviTools(), args)
