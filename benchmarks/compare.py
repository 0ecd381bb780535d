"""scvi_nb vs scvi-tools, side by side, in one command.

    python benchmarks/compare.py --datasets pbmc3k cortex synthetic --epochs 400

1. makes the shared inputs (prepare.py: same cells, genes and train/validation split for both);
2. for each dataset, trains scvi-tools (in benchmarks/.venv-scvi, created if missing) and then
   scvi_nb (this interpreter), one after the other, never at the same time;
3. prints a table and writes it to benchmarks/results/table_e{EPOCHS}.md.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import DATASETS, HERE, RESULTS, first_reach, result_path  # noqa: E402

VENV = HERE / ".venv-scvi"
VENV_PY = VENV / "bin" / "python"
LIBS = ("scvi-tools", "scvi_nb")


def ensure_scvi_venv():
    "benchmarks/.venv-scvi with torch 2.13.0 and scvi-tools; made on first use (about a minute)."
    if VENV_PY.exists() and subprocess.run([VENV_PY, "-c", "import scvi"], capture_output=True).returncode == 0:
        return
    print(f"creating {VENV} (torch==2.13.0, scvi-tools) ...", flush=True)
    subprocess.run([sys.executable, "-m", "venv", "--clear", VENV], check=True)
    subprocess.run([VENV_PY, "-m", "pip", "install", "-q", "torch==2.13.0", "scvi-tools"], check=True)


def run(cmd, log):
    "Run a runner in a scratch directory (Lightning writes logs to the cwd), tee its output to `log`."
    t = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="scvi_bench_") as cwd, open(log, "w") as f:
        p = subprocess.run([str(c) for c in cmd], cwd=cwd, stdout=f, stderr=subprocess.STDOUT,
                           env=dict(os.environ, PYTHONUNBUFFERED="1"))
    last = Path(log).read_text().strip().splitlines()[-1:] or [""]
    print(f"  [{time.perf_counter() - t:6.1f}s] rc={p.returncode} {last[0][:160]}", flush=True)
    return p.returncode


def res_tag(mode) -> str:
    return "defaults" if mode == "defaults" else f"e{mode}"


def wait_idle(max_wait: float, threshold: float):
    "Wait (up to max_wait s) until the 1-minute load average is below threshold: other processes inflate times."
    t = time.perf_counter()
    while os.getloadavg()[0] >= threshold and time.perf_counter() - t < max_wait:
        time.sleep(10)
    load = os.getloadavg()[0]
    if load >= threshold:
        print(f"  load average still {load:.2f} after {max_wait:.0f}s: timing anyway (the table records the load)", flush=True)


def _f(x, fmt="{:.3f}"):
    return "—" if x is None else fmt.format(x)


def table(datasets, epochs) -> str:
    "Markdown table from the runners' JSON files."
    head = ["dataset", "library", "cells×genes", "s/epoch", "median s/epoch", "p5 s/epoch", "cells/s", "speed ×", "CPU s",
            "reach scvi-tools' final val. ELBO: epoch / s", "final val. ELBO (curve)", "best val. ELBO (epoch)",
            "held-out ELBO (get_elbo)", "ARI", "NMI", "ASW", "peak RSS MB", "load avg (1 min, before→after)"]
    rows, notes = [], []
    for ds in datasets:
        r = {lib: json.loads(result_path(ds, lib, epochs).read_text())
             for lib in LIBS if result_path(ds, lib, epochs).exists()}
        ref = r.get("scvi-tools")
        target = ref["final_val_elbo_curve"] if ref else None
        for lib in LIBS:
            if lib not in r:
                rows.append([ds, lib] + ["(no result)"] + [""] * (len(head) - 3)); continue
            d = r[lib]
            speed = (ref["seconds_per_epoch"] / d["seconds_per_epoch"]) if ref else None
            tl = d.get("timeline") or {}
            ep, t = first_reach(tl.get("elbo_validation", []), tl.get("time", []), target) if target is not None else (None, None)
            reach = "not reached" if target is not None and ep is None else f"{_f(ep, '{}')} / {_f(t, '{:.1f}')}"
            ts = tl.get("time") or []
            v = np.asarray(tl.get("elbo_validation") or [np.nan], float)
            best = "—" if np.isnan(v).all() else f"{np.nanmax(v):.1f} ({int(np.nanargmax(v))})"
            dt = np.diff([0.0] + list(ts)) if ts else None
            med, p5 = (float(np.median(dt)), float(np.percentile(dt, 5))) if ts else (None, None)
            rows.append([ds, lib, f"{d['n_cells']}×{d['n_genes']}", _f(d["seconds_per_epoch"]), _f(med), _f(p5),
                         _f(d["cells_per_second"], "{:,.0f}"), _f(speed, "{:.2f}"),
                         _f(d.get("train_cpu_seconds"), "{:.0f}"), reach,
                         _f(d.get("final_val_elbo_curve"), "{:.1f}"), best, _f(d["heldout_elbo"], "{:.1f}"),
                         _f(d["ari"]), _f(d["nmi"]), _f(d["asw"]), _f(d["peak_rss_mb"], "{:.0f}"),
                         f"{d['loadavg_before'][0]:.2f}→{d['loadavg_after'][0]:.2f}"])
            if not d.get("split_is_ours"): notes.append(f"{ds}/{lib}: the split used is NOT the prepared one")
            if d.get("heldout_elbo_sign_flipped"): notes.append(f"{ds}/{lib}: get_elbo returned a positive number; sign flipped")
            if d.get("epochs_run") not in (None, d["epochs"]): notes.append(f"{ds}/{lib}: ran {d['epochs_run']} epochs, not {d['epochs']}")
            for n in d.get("notes", []): notes.append(f"{ds}/{lib}: {n}")
    md = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    md += ["| " + " | ".join(map(str, row)) + " |" for row in rows]
    if notes: md += [""] + [f"- {n}" for n in notes]
    return "\n".join(md)


def defaults_table(datasets) -> str:
    "Markdown table of the defaults-vs-defaults runs: each library's own `SCVI(adata).train()`, scored the same way."
    head = ["data", "library", "wall time of `.train()`", "time vs scvi-tools", "epochs", f"held-out LL (IWAE {200})",
            "Δ LL vs scvi-tools", "held-out ELBO", "ARI / NMI"]
    rows, notes = [], []
    for ds in datasets:
        r = {lib: json.loads(result_path(ds, lib, "defaults").read_text())
             for lib in LIBS if result_path(ds, lib, "defaults").exists()}
        ref = r.get("scvi-tools")
        for lib in LIBS:
            if lib not in r:
                rows.append([ds, lib, "(no result)"] + [""] * (len(head) - 3)); continue
            d = r[lib]
            ratio = f"1/{ref['train_seconds'] / d['train_seconds']:.2f}" if ref else "—"
            delta = f"{d['heldout_iwae'] - ref['heldout_iwae']:+.1f}" if ref else "—"
            rows.append([f"{ds} {d['n_cells']}×{d['n_genes']}" + (f", batch={d['batch_key']}" if d.get("batch_key") else ""),
                         f"{lib} {d['version']}", f"{d['train_seconds']:.1f} s", ratio, d["epochs_run"],
                         f"{d['heldout_iwae']:.1f}", delta, f"{d['heldout_elbo_mc']:.1f}", f"{d['ari']:.3f} / {d['nmi']:.3f}"])
            if not d.get("split_is_ours"): notes.append(f"{ds}/{lib}: the split used is NOT the prepared one")
    md = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    md += ["| " + " | ".join(map(str, row)) + " |" for row in rows]
    if notes: md += [""] + [f"- {n}" for n in notes]
    return "\n".join(md)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--datasets", nargs="+", default=list(DATASETS), choices=DATASETS)
    ap.add_argument("--epochs", type=int, default=400)
    ap.add_argument("--libraries", nargs="+", default=list(LIBS), choices=LIBS)
    ap.add_argument("--wait-idle", type=float, default=600, metavar="S",
                    help="before each training wait up to S seconds for the load average to fall below --idle-load")
    ap.add_argument("--idle-load", type=float, default=0.8)
    ap.add_argument("--reuse", action="store_true", help="skip runs whose JSON already exists")
    ap.add_argument("--table-only", action="store_true", help="only rebuild the table from existing JSON")
    ap.add_argument("--defaults", action="store_true",
                    help="defaults vs defaults: each library's own SCVI(adata).train() on the same split (only the split is "
                         "given), held-out log-likelihood by IWAE with 200 samples computed the same way for both")
    args = ap.parse_args(argv)
    mode = "defaults" if args.defaults else args.epochs
    RESULTS.mkdir(parents=True, exist_ok=True)
    if not args.table_only:
        subprocess.run([sys.executable, HERE / "prepare.py", "--datasets", *args.datasets], check=True)
        if "scvi-tools" in args.libraries: ensure_scvi_venv()
        runners = {"scvi-tools": [VENV_PY, HERE / "run_scvi_tools.py"], "scvi_nb": [sys.executable, HERE / "run_scvi_nb.py"]}
        for ds in args.datasets:
            for lib in args.libraries:  # sequential: two trainings at once would share the cores
                res = result_path(ds, lib, mode)
                if args.reuse and res.exists():
                    print(f"{ds} / {lib}: reusing {res.name}"); continue
                wait_idle(args.wait_idle, args.idle_load)
                print(f"{ds} / {lib}: " + ("training at its defaults" if args.defaults else f"training {args.epochs} epochs"), flush=True)
                res.unlink(missing_ok=True)  # never table a stale result
                run(runners[lib] + ["--dataset", ds, "--epochs", args.epochs] + (["--defaults"] if args.defaults else []),
                    res.with_suffix(".log"))
    md = defaults_table(args.datasets) if args.defaults else table(args.datasets, args.epochs)
    cmd = "python benchmarks/compare.py " + " ".join(sys.argv[1:] if argv is None else argv)
    out = RESULTS / f"table_{res_tag(mode)}.md"
    title = "each library at its own defaults" if args.defaults else f"{args.epochs} epochs"
    out.write_text(f"# scvi_nb vs scvi-tools, {title}\n\n`{cmd}`\n\n{md}\n")
    print("\n" + md + f"\n\nwrote {out}")


if __name__ == "__main__":
    main()
