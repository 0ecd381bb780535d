"""What reading the next chunk of a backed `.h5ad` ahead saves a training step: A/B alternated in one process.

    python benchmarks/scale.py --cells 1000000 --rounds 1       # once: it writes results/scale_1000000.h5ad
    python benchmarks/read_ahead_ab.py                          # the file in the page cache, 6 rounds of 400 steps
    python benchmarks/read_ahead_ab.py --evict                  # the file evicted from the page cache before each round

Training steps as `SCVI.train` runs them on a CPU for a large data set (the whole closed-form loss compiled, fused
Adam, batch 128, 2 threads), over minibatches from `IndexLoader` on the backed file (`CountTensors`, chunks of about
2^25 entries, block-shuffled). The variants run in turn (A, B, then B, A, ...), continuing through the same epoch:
  ahead   the package as it is: the loader's chunk order goes to `CountTensors.read_ahead`, a background thread reads
          the next chunk while the steps use the current one
  inline  `read_ahead` switched off: a chunk is read when a minibatch first needs it, and the step waits for it
Printed per variant: ms per step and ms of it spent fetching the minibatch (median over rounds). `--evict` asks the
kernel to drop the file's pages (`posix_fadvise(DONTNEED)`) before each round, so that reads come from the disk, as
for data larger than memory.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
warnings.filterwarnings("ignore")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--path", default=str(Path(__file__).parent / "results" / "scale_1000000.h5ad"))
    ap.add_argument("--steps", type=int, default=400, help="steps per round")
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--evict", action="store_true", help="drop the file from the page cache before each round")
    args = ap.parse_args()

    import anndata as ad
    import numpy as np
    import torch
    from scvi_nb.loaders import CountTensors, IndexLoader
    from scvi_nb.model import ScviModule
    from scvi_nb.train import _compile_closed_form

    torch.set_num_threads(args.threads)
    adata = ad.read_h5ad(args.path, backed="r")
    data = CountTensors(adata.X, np.zeros(adata.n_obs))
    module = ScviModule(n_input=adata.n_vars)
    opt = torch.optim.Adam(module.parameters(), lr=1e-3, fused=True)
    loss_fn, kl_weight = _compile_closed_form(module), torch.tensor(1.0)
    loader = IndexLoader(data, np.arange(adata.n_obs), 128, shuffle=True)
    batches = iter(loader)
    read_ahead, latest = data.read_ahead, [[]]                # latest: the order of the epoch under way

    def ahead_on(chunks): latest[0] = list(chunks); read_ahead(chunks)
    def ahead_off(chunks): latest[0] = list(chunks)

    def evict():
        fd = os.open(args.path, os.O_RDONLY)
        try: os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally: os.close(fd)

    def steps(n: int, ahead: bool):
        nonlocal batches
        read_ahead(latest[0] if ahead else [])                # inline: no plan, so nothing is read ahead
        data.read_ahead = ahead_on if ahead else ahead_off
        if args.evict: evict()
        t, fetch = time.perf_counter(), 0.0
        for _ in range(n):
            t0 = time.perf_counter()
            try: b = next(batches)
            except StopIteration: batches = iter(loader); b = next(batches)
            fetch += time.perf_counter() - t0
            loss = loss_fn(b["x"], b["batch"].view(-1, 1), kl_weight=kl_weight)[0]
            opt.zero_grad(); loss.backward(); opt.step()
        return (time.perf_counter() - t) / n * 1e3, fetch / n * 1e3

    steps(30, True)                                           # compile, start the epoch
    res = {True: [], False: []}
    print(f"torch {torch.__version__}, {args.threads} threads, {adata.n_obs} x {adata.n_vars} backed, chunks of "
          f"{data.chunk_rows} rows, load average {os.getloadavg()[0]:.2f}, evict={args.evict}")
    for r in range(args.rounds):
        for ahead in ((True, False) if r % 2 == 0 else (False, True)):
            ms, fetch_ms = steps(args.steps, ahead)
            res[ahead].append((ms, fetch_ms))
            print(f"round {r} {'ahead ' if ahead else 'inline'}: {ms:.2f} ms/step, fetch {fetch_ms:.2f} ms", flush=True)
    for ahead, v in res.items():
        print(f"{'ahead ' if ahead else 'inline'}: median {statistics.median(x[0] for x in v):.2f} ms/step, "
              f"fetch {statistics.median(x[1] for x in v):.2f} ms/step")
    print(f"chunk reads {data.chunk_reads}, load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
