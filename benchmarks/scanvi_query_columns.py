"""Which new columns cost the IFN-beta query its label accuracy? One reference, four query trainings.

    python benchmarks/scanvi_query_columns.py     # after `python benchmarks/prepare.py --datasets ifnb`; ~4 min on 1 thread

The scANVI benchmark's scenario B (CTRL reference, all labelled; STIM query, labels hidden) with scvi_nb at its
defaults and the default split, then the query trained (early stopping off) with every new column, fewer epochs,
only the decoder's new columns, only the encoder's. Prints accuracy and balanced accuracy on the query.
"""
import sys, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parent))
import torch
torch.set_num_threads(1)
import warnings, logging; warnings.filterwarnings("ignore"); logging.getLogger("pytorch_lightning").setLevel(logging.ERROR)
from _common import BATCH_KEY, SCANVI_LABELS_KEY, UNLABELED, label_scores, scanvi_inputs
import scvi_nb
inp = scanvi_inputs("ifnb")
ref, query, tq = inp["ref"], inp["query"], inp["truth_query"]
m = scvi_nb.SCVI(ref, batch_key=BATCH_KEY, labels_key=SCANVI_LABELS_KEY).train(seed=0, enable_progress_bar=False)
s = scvi_nb.SCANVI.from_scvi_model(m, unlabeled_category=UNLABELED).train(seed=0, enable_progress_bar=False)
def scores(q) -> str:
    "Accuracy and balanced accuracy of the query's predictions (the benchmark's `label_scores`)"
    sc = label_scores(tq, q.predict())
    return f"acc {sc['accuracy']:.3f} bal {sc['balanced_accuracy']:.3f}"
q0 = scvi_nb.SCANVI.load_query_data(query, s)
print("masks:", {k: tuple(v.shape) for k, v in q0.module.grad_masks.items()})
print(f"before training: {scores(q0)}", flush=True)
def run(name, epochs, drop=(), **kw):
    q = scvi_nb.SCANVI.load_query_data(query, s)
    for k in [k for k in q.module.grad_masks if any(k.startswith(d) for d in drop)]:
        del q.module.grad_masks[k]; q.module.get_parameter(k).requires_grad_(False)
    t = time.time(); q.train(max_epochs=epochs, seed=0, early_stopping=False, enable_progress_bar=False, **kw)
    print(f"{name}: {scores(q)} ({time.time() - t:.0f} s)", flush=True)
run("default 100 epochs", 100)
run("20 epochs", 20)
run("decoder's columns only, 100 epochs", 100, drop=("z_encoder", "l_encoder"))
run("encoder's columns only, 100 epochs", 100, drop=("decoder",))
