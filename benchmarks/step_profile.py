"""Where the time of one training step goes, part by part, for scvi_nb and scvi-tools in the same process.

    benchmarks/.venv-scvi/bin/python benchmarks/step_profile.py          # both libraries (PYTHONPATH: the repo root)
    python benchmarks/step_profile.py --no-scvi-tools                     # scvi_nb alone, from its own interpreter
    benchmarks/.venv-scvi/bin/python benchmarks/step_profile.py --sizes 3000x558 --compile
    benchmarks/.venv-scvi/bin/python benchmarks/step_profile.py --compile --train-only --train-rounds 7   # .train() alone

The benchmark venv (`compare.py` makes it) needs `pytorch-lightning` besides scvi-tools to import scvi_nb:
`benchmarks/.venv-scvi/bin/pip install pytorch-lightning`. One thread. Synthetic counts drawn from the scVI model
(`scvi_nb.data.synthetic`), minibatch 128, n_hidden 128, n_latent 10, one layer, ZINB, one θ per gene: the two
libraries' default networks. Every part is timed alone on the same fixed minibatches; the parts of one table run
round-robin (A, B, C, ..., then the reverse order, and again), so a burst of load from other processes hits all of
them alike. Each cell of the table is the median over rounds of the mean time of `--reps` calls.

Parts (ms per call):
  lik:*      the ZINB log-probability of a 128 × G minibatch, forward + backward to μ, θ and the dropout logits:
             scvi_nb's `log_zinb_positive` (fused backward), the same formula through autograd (scvi_nb before it),
             scvi-tools' textbook formula; with --compile also the compiled copies (`_compile_zinb`)
  nets       encoder, reparameterised z, decoder, forward + backward of a trivial loss (the networks alone)
  closed     `ScviModule.closed_form_loss` + backward: the same negative ELBO in plain torch, scvi_nb's training loss
             since Build 14; what Pyro's tracing adds is pyro − closed. With --compile: `closed, compiled lik` (the
             likelihood compiled alone) and `closed, compiled loss` (the whole loss as one compiled graph, networks
             included, as a compiled training run takes it: `ScviTrainingPlan.compile_loss`)
  pyro       `TraceMeanField_ELBO.differentiable_loss(model, guide, ...)` + backward (`closed_form=False`)
  pyro-jit   the same with `JitTraceMeanField_ELBO` (or the reason it fails)
  adam       one `Adam(foreach=True).step()` on the module's gradients
  finite     the per-step checks of scvi_nb's trainer: `isfinite(loss)` and the total-norm check of the gradients
  sct:loss   scvi-tools: `module(tensors, loss_kwargs=...)` + `loss.backward()` (its training step's work)
Lightning (ms per training step, from the per-epoch wall times of a `Trainer.fit` without validation):
  fit        `train_module` as the package runs it (epoch time / steps); fit − manual is Lightning's share
  manual     the same epoch as a plain loop: closed-form loss + backward + fused Adam step, same batches
             (with --compile also `manual, compiled loss` and `fit, compiled`: `.train(compile_likelihood=True)`)
  fit -log   `fit` with `self.log` switched off; fit -guard: with NonFiniteGuard's per-step check switched off
Full `.train()` (s per epoch), each library at its defaults but for the number of epochs and no early stopping: the
whole call divided by the epochs (start-up and, compiled, the compilation included) and the median epoch after the first.
Without early stopping scvi-tools validates never and scvi_nb after every epoch, so the table times both ways: scvi-tools
also with `check_val_every_n_epoch=1`, scvi_nb compiled also with `limit_val_batches=0`; each scvi_nb row is compared with
the scvi-tools row that validates as it does.
"""
from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(1)
warnings.filterwarnings("ignore")


def load_avg() -> str:
    try: return "/".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError: return "n/a"


def bench(cases: dict, rounds: int, reps: int) -> dict:
    "Median over `rounds` of the mean ms of `reps` calls, the cases run round-robin (forward, then reversed, ...)"
    for f in cases.values():   # warm-up (and JIT / compile)
        for _ in range(2): f()
    times = {k: [] for k in cases}
    for r in range(rounds):
        order = list(cases) if r % 2 == 0 else list(reversed(list(cases)))
        for k in order:
            t0 = time.perf_counter()
            for _ in range(reps): cases[k]()
            times[k].append((time.perf_counter() - t0) / reps * 1e3)
    return {k: statistics.median(v) for k, v in times.items()}


def safe(name, make):
    "A case, or a note why it cannot run"
    try:
        f = make()
        f()
        return f, None
    except Exception as e:  # noqa: BLE001
        return None, f"{name}: {type(e).__name__}: {str(e).splitlines()[0][:160]}"


# --------------------------------------------------------------------------------------------------------------------
# scvi_nb
# --------------------------------------------------------------------------------------------------------------------
def nb_setup(adata, batch_size, n_batches_fixed=8, seed=0):
    import pyro
    from scvi_nb import SCVI
    m = SCVI(adata, batch_key=None)
    torch.manual_seed(seed)
    mod = m.module.train()
    X = torch.as_tensor(np.asarray(adata.X.toarray() if hasattr(adata.X, "toarray") else adata.X), dtype=torch.float32)
    g = torch.Generator().manual_seed(seed)
    perm = torch.randperm(X.shape[0], generator=g)
    batches = []
    for i in range(n_batches_fixed):
        idx = perm[i * batch_size:(i + 1) * batch_size].sort().values
        batches.append(dict(x=X[idx], batch=torch.zeros(len(idx), dtype=torch.long), idx=idx))
    pyro.clear_param_store()
    return m, mod, X, batches


def _log_zinb_autograd(x, mu, theta, zi_logits, eps=1e-8):
    "scvi_nb's ZINB before the fused backward: log_nb_positive + softplus/logaddexp, differentiated by autograd"
    import scvi_nb.distributions as D
    log_nb = D.log_nb_positive(x, mu, theta, eps)
    p = zi_logits.to(log_nb.dtype)
    log_pi, log_1m_pi = -D._softplus(-p), -D._softplus(p)
    return D._pick(D._step(x.to(log_nb.dtype), 0.), log_1m_pi + log_nb, torch.logaddexp(log_pi, log_1m_pi + log_nb))


def _with_compiled(D, compiled, fn):
    "fn run with log_zinb_positive switched to its compiled copy"
    def f(*a, **k):
        D._COMPILED = compiled
        try: return fn(*a, **k)
        finally: D._COMPILED = None
    return f


def nb_cases(m, mod, batches, n_obs, lik_extra: dict, D=None, compiled=None):
    import pyro
    from scvi_nb.train import _compile_closed_form   # the trainer's own compiled loss (`ScviTrainingPlan.compile_loss`)
    from pyro.infer import JitTraceMeanField_ELBO, TraceMeanField_ELBO
    from scvi_nb.distributions import log_zinb_positive
    from scvi_nb.train import NonFiniteGuard  # noqa: F401  (the check below is its code)
    it = {"i": 0}

    def nxt():
        it["i"] = (it["i"] + 1) % len(batches)
        return batches[it["i"]]

    # likelihood inputs: the untrained decoder's outputs on the first minibatch, as leaves
    b0 = batches[0]
    with torch.no_grad():
        qm, qs = mod.z_encoder(b0["x"], b0["batch"])
        out = mod.decoder(qm, mod._observed_library(b0["x"]), b0["batch"])
    lik_in = [(b["x"], out["px_rate"].clone().requires_grad_(), mod.px_r.detach().clone().requires_grad_(),
               out["px_dropout"].clone().requires_grad_()) for b in batches[:1]]

    def lik(fn):
        def f():
            x, mu, th, zi = lik_in[0]
            mu.grad = th.grad = zi.grad = None
            fn(x, mu, th, zi).sum().backward()
        return f

    cases = {"lik:scvi_nb": lik(log_zinb_positive)}
    for k, fn in lik_extra.items(): cases[k] = lik(fn)

    def nets():
        b = nxt(); mod.zero_grad(set_to_none=True)
        qm, qs = mod.z_encoder(b["x"], b["batch"])
        z = qm + qs * torch.randn_like(qs)
        o = mod.decoder(z, mod._observed_library(b["x"]), b["batch"])
        (o["px_rate"].sum() * 1e-3 + o["px_dropout"].sum() + qm.sum() + qs.sum()).backward()
    cases["nets"] = nets

    def closed():
        b = nxt(); mod.zero_grad(set_to_none=True)
        (mod.closed_form_loss(b["x"], b["batch"], b["idx"], n_obs, 1.0)[0] / n_obs).backward()
    cases["closed"] = closed
    if compiled is not None:
        cases["closed, compiled lik"] = _with_compiled(D, compiled, closed)
        whole, kw = _compile_closed_form(mod), torch.tensor(1.0)

        def closed_compiled():
            b = nxt(); mod.zero_grad(set_to_none=True)
            (whole(b["x"], b["batch"], b["idx"], n_obs, kw)[0] / n_obs).backward()
        cases["closed, compiled loss"] = closed_compiled

    elbo = TraceMeanField_ELBO()

    def pyro_step():
        b = nxt(); mod.zero_grad(set_to_none=True)
        with pyro.validation_enabled(False):
            loss = elbo.differentiable_loss(mod.model, mod.guide, b["x"], b["batch"], b["idx"], n_obs, 1.0) / n_obs
        loss.backward()
    cases["pyro"] = pyro_step
    if compiled is not None:
        cases["pyro, compiled lik"] = _with_compiled(D, compiled, pyro_step)

    def make_jit():
        jelbo = JitTraceMeanField_ELBO(ignore_jit_warnings=True)

        def f():
            b = nxt(); mod.zero_grad(set_to_none=True)
            with pyro.validation_enabled(False):
                loss = jelbo.differentiable_loss(mod.model, mod.guide, b["x"], b["batch"], b["idx"],
                                                 n_obs=n_obs, kl_weight=1.0) / n_obs
            loss.backward()
        return f
    f, note = safe("pyro-jit", make_jit)
    notes = [note] if note else []
    if f: cases["pyro-jit"] = f

    pyro_step()
    opt = torch.optim.Adam(mod.parameters(), lr=1e-3, eps=0.01, weight_decay=1e-6, foreach=True)
    snapshot = {k: v.clone() for k, v in mod.state_dict().items()}

    def adam(): opt.step()
    cases["adam"] = adam

    loss_t = torch.tensor(1.0)

    def finite():
        if not torch.isfinite(loss_t): raise FloatingPointError
        grads = [p.grad for p in mod.parameters() if p.grad is not None]
        if not torch.isfinite(torch.nn.utils.get_total_norm(grads)): raise FloatingPointError
    cases["finite"] = finite
    return cases, notes, (lambda: mod.load_state_dict(snapshot))


def nb_lightning(adata, epochs, variants=("fit", "fit -log", "fit -guard"), D=None, compiled=None):
    "ms per training step of Trainer.fit without validation: median epoch wall time / steps"
    import scvi_nb.train as T
    from scvi_nb import SCVI
    res = {}
    if compiled is not None: variants = (*variants, "fit, compiled")
    for v in variants:
        saved = (T.ScviTrainingPlan.log, T.NonFiniteGuard.on_after_backward)
        try:
            if "-log" in v: T.ScviTrainingPlan.log = lambda self, *a, **k: None
            if "-guard" in v: T.NonFiniteGuard.on_after_backward = lambda self, *a, **k: None
            m = SCVI(adata, batch_key=None)
            m.train(max_epochs=epochs, early_stopping=False, enable_progress_bar=False, limit_val_batches=0, seed=0,
                    compile_likelihood="compiled" in v)   # compiled: the whole loss, as a compiled run of the trainer
        finally:
            T.ScviTrainingPlan.log, T.NonFiniteGuard.on_after_backward = saved
        t = m.history_df["time"].to_numpy()
        per_epoch = np.diff(np.concatenate([[0.0], t]))[1:]   # drop the first epoch (start-up)
        steps = math.ceil(len(m.train_indices) / 128)
        res[v] = float(np.median(per_epoch)) / steps * 1e3
    return res


def nb_manual_epoch(m_adata, n_obs_frac=0.9, batch_size=128, epochs=3, compiled=False):
    "The same epoch as a plain loop (closed-form loss + backward + fused Adam, the trainer's batches including the short last one); compiled: full minibatches through the compiled loss, as the trainer"
    from scvi_nb import SCVI
    from scvi_nb.train import _compile_closed_form
    m = SCVI(m_adata, batch_key=None)
    mod = m.module.train()
    n = m_adata.n_obs
    ntr = round(n_obs_frac * n)
    X = torch.as_tensor(np.asarray(m_adata.X.toarray() if hasattr(m_adata.X, "toarray") else m_adata.X),
                        dtype=torch.float32)
    opt = torch.optim.Adam(mod.parameters(), lr=1e-3, eps=0.01, weight_decay=1e-6, fused=True)
    per_epoch, whole, kw = [], _compile_closed_form(mod) if compiled else None, torch.tensor(1.0)
    for e in range(epochs):
        perm = torch.randperm(ntr)
        t0 = time.perf_counter()
        for i in range(0, ntr, batch_size):
            idx = perm[i:i + batch_size]
            x = X[idx]
            f, w = (whole, kw) if whole is not None and len(idx) == batch_size else (mod.closed_form_loss, 1.0)
            loss = f(x, torch.zeros(len(idx), dtype=torch.long), idx, ntr, w)[0] / ntr
            opt.zero_grad(); loss.backward(); opt.step()
        per_epoch.append(time.perf_counter() - t0)
    return float(np.median(per_epoch[1:])) / math.ceil(ntr / batch_size) * 1e3


def nb_train_epoch_s(adata, epochs, compile_likelihood=None, closed_form=True, **train_kwargs):
    "(s/epoch of `SCVI.train` start-up included, median s of an epoch after the first); closed_form=False: its loss through Pyro's tracing, as before Build 14's closed form"
    import scvi_nb.train as T
    from scvi_nb import SCVI
    m = SCVI(adata, batch_key=None)
    saved = T._has_closed_form
    if not closed_form: T._has_closed_form = lambda module: False
    try:
        t0 = time.perf_counter()
        m.train(max_epochs=epochs, early_stopping=False, enable_progress_bar=False, seed=0,
                compile_likelihood=compile_likelihood, **train_kwargs)
        return (time.perf_counter() - t0) / epochs, float(np.median(np.diff(m.history_df["time"].to_numpy())))
    finally: T._has_closed_form = saved


# --------------------------------------------------------------------------------------------------------------------
# scvi-tools
# --------------------------------------------------------------------------------------------------------------------
def sct_import():
    try:
        import scvi
    except Exception as e:  # noqa: BLE001
        return None, f"scvi-tools not importable here ({type(e).__name__}); run with benchmarks/.venv-scvi/bin/python"
    scvi.settings.seed = 0
    scvi.settings.num_threads = 1
    scvi.settings.dl_num_workers = 0
    torch.set_num_threads(1)
    return scvi, None


def sct_model(scvi, adata):
    a = adata.copy()
    scvi.model.SCVI.setup_anndata(a)
    return scvi.model.SCVI(a), a   # defaults: n_hidden 128, n_latent 10, n_layers 1, dropout 0.1, zinb, gene


def sct_cases(scvi, adata, batches):
    model, a = sct_model(scvi, adata)
    module = model.module.train()
    dl = model._make_data_loader(adata=a, indices=np.arange(a.n_obs), batch_size=128, shuffle=False)
    keys = next(iter(dl)).keys()
    tb = []
    for b in batches:
        idx = b["idx"].numpy()
        one = next(iter(model._make_data_loader(adata=a, indices=idx, batch_size=len(idx), shuffle=False)))
        tb.append({k: one[k] for k in keys})
    it = {"i": 0}

    def loss_step():
        it["i"] = (it["i"] + 1) % len(tb)
        module.zero_grad(set_to_none=True)
        _, _, losses = module(tb[it["i"]], loss_kwargs=dict(kl_weight=1.0))
        losses.loss.backward()
    from scvi.distributions._negative_binomial import log_zinb_positive as sct_zinb
    return {"sct:loss": loss_step}, sct_zinb


def sct_train_epoch_s(scvi, adata, epochs, **train_kwargs):
    "(s/epoch of scvi-tools' `.train()` start-up included, median s of an epoch after the first)"
    model, _ = sct_model(scvi, adata)
    import tempfile
    from lightning.pytorch.callbacks import Callback

    class Clock(Callback):
        def __init__(self): self.t = []
        def on_train_epoch_end(self, trainer, pl_module): self.t.append(time.perf_counter())
    clock = Clock()
    t0 = time.perf_counter()
    model.train(max_epochs=epochs, early_stopping=False, train_size=0.9, batch_size=128, enable_progress_bar=False,
                callbacks=[clock], default_root_dir=tempfile.mkdtemp(prefix="sct_step_profile_"), **train_kwargs)
    return (time.perf_counter() - t0) / epochs, float(np.median(np.diff(clock.t)))


def sct_fit_ms_per_step(scvi, adata, epochs):
    "scvi-tools' Trainer.fit without validation: (wall time − first epoch) / steps, from its own history's timing"
    model, _ = sct_model(scvi, adata)
    import tempfile
    from lightning.pytorch.callbacks import Callback

    class Clock(Callback):
        def __init__(self): self.t = []
        def on_train_epoch_end(self, trainer, pl_module): self.t.append(time.perf_counter())
    clock = Clock()
    model.train(max_epochs=epochs, early_stopping=False, train_size=0.9, batch_size=128, enable_progress_bar=False,
                callbacks=[clock], default_root_dir=tempfile.mkdtemp(prefix="sct_step_profile_"))
    per_epoch = np.diff(clock.t)
    steps = math.ceil(round(0.9 * adata.n_obs) / 128)
    return float(np.median(per_epoch)) / steps * 1e3


# --------------------------------------------------------------------------------------------------------------------
def lightning_table(adata, args, D, compiled, scvi):
    "The Lightning-per-step table: Trainer.fit variants against a plain loop and scvi-tools' fit"
    print(f"\n### Lightning per step ({args.epochs} epochs each, median epoch after the first, no validation)\n")
    la0 = load_avg()
    lt = nb_lightning(adata, args.epochs, D=D, compiled=compiled)
    lt["manual (closed form+backward+adam)"] = nb_manual_epoch(adata, epochs=args.epochs)
    if compiled is not None:
        lt["manual, compiled loss"] = nb_manual_epoch(adata, epochs=args.epochs, compiled=True)
    if scvi: lt["scvi-tools fit"] = sct_fit_ms_per_step(scvi, adata, args.epochs)
    print("| loop | ms per step |")
    print("|---|---|")
    for k, v in lt.items(): print(f"| {k} | {v:.2f} |")
    print(f"\nload average {la0} -> {load_avg()}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", nargs="+", default=["3000x558", "2638x2000"])
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--epochs", type=int, default=4, help="epochs per Trainer.fit / .train() measurement")
    ap.add_argument("--train-rounds", type=int, default=3, help="A/B rounds of the full .train() timing")
    ap.add_argument("--no-scvi-tools", action="store_true")
    ap.add_argument("--no-train", action="store_true", help="skip the Lightning and full .train() timings")
    ap.add_argument("--train-only", action="store_true", help="only the full .train() timings (no parts, no Lightning table)")
    ap.add_argument("--compile", action="store_true", help="also time the likelihood compiled with torch.compile")
    args = ap.parse_args()

    from scvi_nb.data import synthetic
    import scvi_nb.distributions as D
    scvi, why = (None, "--no-scvi-tools") if args.no_scvi_tools else sct_import()
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, scvi-tools "
          f"{scvi.__version__ if scvi else 'absent (' + why + ')'}, load average before {load_avg()}", flush=True)

    for size in args.sizes:
        n_cells, n_genes = (int(v) for v in size.split("x"))
        adata = synthetic(n_cells=n_cells, n_genes=n_genes, n_types=5, seed=0)
        m, mod, X, batches = nb_setup(adata, 128)
        n_obs = round(0.9 * n_cells)
        lik_extra = {"lik:scvi_nb autograd (before)": _log_zinb_autograd} if hasattr(D, "_LogZINB") else {}
        sct_part, sct_zinb = ({}, None)
        if scvi:
            sct_part, sct_zinb = sct_cases(scvi, adata, batches)
            lik_extra["lik:scvi-tools textbook"] = sct_zinb
        compiled = None
        if args.compile and hasattr(D, "_compile_zinb"):
            t0 = time.perf_counter()
            if D._compile_zinb(): compiled = D._COMPILED
            D._compile_zinb(False)
            print(f"torch.compile of the ZINB (first call in this process): {time.perf_counter() - t0:.1f} s", flush=True)
            if compiled: lik_extra["lik:scvi_nb compiled"] = _with_compiled(D, compiled, D.log_zinb_positive)
        if args.compile and sct_zinb is not None:
            lik_extra["lik:compile(textbook)"] = torch.compile(sct_zinb, dynamic=True)
        cases, notes, restore = nb_cases(m, mod, batches, n_obs, lik_extra, D, compiled)
        cases.update(sct_part)
        la0 = load_avg()
        res = {} if args.train_only else bench(cases, args.rounds, args.reps)
        restore()
        zeros = float((X == 0).float().mean())
        print(f"\n## {n_cells} cells x {n_genes} genes (synthetic, {zeros:.0%} zeros), batch 128, 1 thread, "
              f"load average {la0} -> {load_avg()}\n")
        if not args.train_only: print("| part | ms per call | vs scvi-tools' loss+backward |\n|---|---|---|")
        ref = res.get("sct:loss")
        for k, v in res.items():
            print(f"| {k} | {v:.2f} | {'' if ref is None else f'{v / ref:.2f}'} |")
        for n in ([] if args.train_only else notes): print(f"\nnote: {n}")
        if "pyro" in res and "closed" in res:
            print(f"\nPyro's tracing (pyro - closed): {res['pyro'] - res['closed']:.2f} ms; "
                  f"likelihood share of closed: {res['lik:scvi_nb'] / res['closed']:.0%}")
        if args.no_train: continue

        if not args.train_only: lightning_table(adata, args, D, compiled, scvi)

        print(f"\n### Full .train(), s per epoch ({args.epochs} epochs, {args.train_rounds} rounds A/B)\n")
        la0 = load_avg()
        ours, theirs, ours_c, ours_p, ours_cn, theirs_v = [], [], [], [], [], []
        for r in range(args.train_rounds):
            runs = [("nb", lambda: ours.append(nb_train_epoch_s(adata, args.epochs))),
                    ("nbp", lambda: ours_p.append(nb_train_epoch_s(adata, args.epochs, closed_form=False)))]
            if compiled is not None:
                runs.append(("nbc", lambda: ours_c.append(nb_train_epoch_s(adata, args.epochs, compile_likelihood=True))))
                runs.append(("nbcn", lambda: ours_cn.append(nb_train_epoch_s(adata, args.epochs, compile_likelihood=True,
                                                                             limit_val_batches=0))))
            if scvi:
                runs.append(("sct", lambda: theirs.append(sct_train_epoch_s(scvi, adata, args.epochs))))
                runs.append(("sctv", lambda: theirs_v.append(sct_train_epoch_s(scvi, adata, args.epochs,
                                                                               check_val_every_n_epoch=1))))
            for _, f in (runs if r % 2 == 0 else runs[::-1]): f()
        # "val": the row validates after every epoch (the 10% held out), as scvi_nb does by default; "none": it does not,
        # as scvi-tools by default without early stopping. Each row is compared with scvi-tools doing the same.
        rows = [("scvi-tools (its default: no validation)", "none", theirs),
                ("scvi-tools, validation every epoch (check_val_every_n_epoch=1)", "val", theirs_v),
                ("scvi_nb (validation every epoch)", "val", ours),
                ("scvi_nb, loss through Pyro's tracing (closed_form=False)", "val", ours_p),
                ("scvi_nb compiled (compile_likelihood=True: the whole loss)", "val", ours_c),
                ("scvi_nb compiled, no validation (limit_val_batches=0)", "none", ours_cn)]
        med = {name: (mode, statistics.median(v[0] for v in runs), statistics.median(v[1] for v in runs))
               for name, mode, runs in rows if runs}
        ref = {mode: med[name][1:] for name, mode, _ in rows[:2] if name in med}
        print("| run | s/epoch, start-up included | s per epoch after the first (median) | epochs/s vs scvi-tools "
              "validating alike: start-up included; after the first |")
        print("|---|---|---|---|")
        for name, (mode, total, steady) in med.items():
            r = ref.get(mode)
            vs = f"{r[0] / total:.2f}x; {r[1] / steady:.2f}x" if r and not name.startswith("scvi-tools") else ""
            print(f"| {name} | {total:.3f} | {steady:.3f} | {vs} |")
        print(f"load average {la0} -> {load_avg()}", flush=True)


if __name__ == "__main__":
    main()
