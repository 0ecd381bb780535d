"""Does Pyro's JIT ELBO pay for scvi_nb's step? One process, A/B alternated, fixed-size minibatches.

    PYTHONPATH=. python benchmarks/jit_elbo.py --sizes 3000x558 2638x2000

Pyro's `JitTraceMeanField_ELBO` traces model + guide once per argument signature and passes the Pyro parameters as inputs;
plain `nn.Module` parameters would be baked in as constants ("Cannot insert a Tensor that requires grad as a constant").
Registering the networks as Pyro parameters (`pyro.nn.module.to_pyro_module_` on the encoder and decoder) makes them
inputs. Timed, ms per loss + backward at batch 128 (one thread):
  eager            `TraceMeanField_ELBO` on the module as the package builds it
  eager, pyro nets the same after `to_pyro_module_` (what registering the networks costs the eager step)
  jit, pyro nets   `JitTraceMeanField_ELBO` on the registered module (the trace is made before timing)
"""
from __future__ import annotations

import argparse
import copy
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import torch  # noqa: E402

torch.set_num_threads(1)
warnings.filterwarnings("ignore")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", nargs="+", default=["3000x558", "2638x2000"])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()
    import numpy as np
    import pyro
    from pyro.infer import JitTraceMeanField_ELBO, TraceMeanField_ELBO
    from pyro.nn.module import pyro_method, to_pyro_module_
    from scvi_nb import SCVI
    from scvi_nb.data import synthetic
    for size in args.sizes:
        n_cells, n_genes = (int(v) for v in size.split("x"))
        adata = synthetic(n_cells=n_cells, n_genes=n_genes, n_types=5, seed=0)
        torch.manual_seed(0)
        base = SCVI(adata, batch_key=None).module.train()
        X = torch.as_tensor(np.asarray(adata.X.toarray() if hasattr(adata.X, "toarray") else adata.X), dtype=torch.float32)
        perm = torch.randperm(n_cells, generator=torch.Generator().manual_seed(0))
        batches = [perm[i * 128:(i + 1) * 128].sort().values for i in range(8)]
        n_obs = round(0.9 * n_cells)
        reg = copy.deepcopy(base)
        to_pyro_module_(reg.z_encoder); to_pyro_module_(reg.decoder)
        for name in ("model", "guide"):   # run in the module's Pyro context, so that θ (a PyroParam) is a Pyro parameter too
            setattr(reg, name, pyro_method(getattr(type(reg), name)).__get__(reg))
        pyro.clear_param_store()

        def case(mod, elbo):
            it = {"i": 0}
            def f():
                it["i"] = (it["i"] + 1) % len(batches)
                idx = batches[it["i"]]
                mod.zero_grad(set_to_none=True)
                with pyro.validation_enabled(False):
                    loss = elbo.differentiable_loss(mod.model, mod.guide, X[idx], torch.zeros(len(idx), dtype=torch.long),
                                                    idx, n_obs=n_obs, kl_weight=1.0) / n_obs   # non-tensors: keywords
                loss.backward()
                return loss
            return f
        cases = {"eager": case(base, TraceMeanField_ELBO()), "eager, pyro nets": case(reg, TraceMeanField_ELBO())}
        note = ""
        try:
            jf = case(reg, JitTraceMeanField_ELBO(ignore_jit_warnings=True))
            t0 = time.perf_counter(); jf(); note = f"first jit call (trace): {time.perf_counter() - t0:.1f} s"
            g = {n: p.grad for n, p in reg.named_parameters()}
            cases["jit, pyro nets"] = jf
            grads_ok = all(v is not None for v in g.values())
            note += f"; every network parameter has a gradient under jit: {grads_ok}"
        except Exception as e:  # noqa: BLE001
            note = f"jit failed: {type(e).__name__}: {str(e)[:200]}"
        for f in cases.values(): f()
        res = {k: [] for k in cases}
        la = os.getloadavg()[0]
        for r in range(args.rounds):
            for k in (list(cases) if r % 2 == 0 else list(cases)[::-1]):
                t0 = time.perf_counter()
                for _ in range(args.reps): cases[k]()
                res[k].append((time.perf_counter() - t0) / args.reps * 1e3)
        med = {k: statistics.median(v) for k, v in res.items()}
        print(f"\n## {n_cells} x {n_genes}, batch 128, load {la:.2f} -> {os.getloadavg()[0]:.2f}; {note}\n")
        print("| case | ms per loss+backward | vs eager |\n|---|---|---|")
        for k, v in med.items(): print(f"| {k} | {v:.2f} | {v / med['eager']:.2f} |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
