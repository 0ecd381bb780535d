"""scvi_nb vs scvi-tools, side by side, in one command.

    python benchmarks/compare.py --datasets pbmc3k cortex synthetic --epochs 400
    python benchmarks/compare.py --defaults --splits 0 1 2          # three columns: scvi-tools, scvi-tools + our recipe, scvi_nb
    python benchmarks/compare.py --defaults --datasets cortex --max-epochs 2    # a smoke test of the same

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
DEFAULT_LIBS = ("scvi-tools", "scvi-tools-recipe", "scvi_nb")   # --defaults: scvi-tools given our recipe in the middle


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


def _ms(values, fmt="{:.1f}") -> str:
    "mean ± sample standard deviation over splits (the mean alone for one split)"
    v = np.asarray(values, float)
    return fmt.format(v.mean()) + (f" ± {fmt.replace('+', '').format(v.std(ddof=1))}" if len(v) > 1 else "")


def defaults_table(datasets, splits=(0,), max_epochs=None) -> str:
    """Markdown table of the defaults runs: scvi-tools' own `SCVI(adata).train()`, scvi-tools given scvi_nb's recipe, and
    scvi_nb's defaults, scored the same way; mean ± standard deviation over `splits`, ratios and Δ paired by split."""
    head = ["data", "library", "wall time of `.train()` (s)", "time vs scvi-tools + recipe", "epochs",
            f"held-out LL (IWAE {200})", "Δ LL vs scvi-tools + recipe", "held-out ELBO", "ARI", "NMI"]
    rows, notes = [], []
    for ds in datasets:
        r = {lib: {s: json.loads(result_path(ds, lib, "defaults", s, max_epochs).read_text()) for s in splits
                   if result_path(ds, lib, "defaults", s, max_epochs).exists()} for lib in DEFAULT_LIBS}
        ref = r["scvi-tools-recipe"]
        for lib in DEFAULT_LIBS:
            runs = r[lib]
            if not runs:
                rows.append([ds, lib, "(no result)"] + [""] * (len(head) - 3)); continue
            ss = sorted(runs)
            d0 = runs[ss[0]]
            col = lambda k: [runs[s][k] for s in ss]
            paired = [s for s in ss if s in ref]
            ratio = (_ms([runs[s]["train_seconds"] / ref[s]["train_seconds"] for s in paired], "{:.2f}") + "×"
                     if paired and lib != "scvi-tools-recipe" else "—")
            delta = (_ms([runs[s]["heldout_iwae"] - ref[s]["heldout_iwae"] for s in paired], "{:+.1f}")
                     if paired and lib != "scvi-tools-recipe" else "—")
            epochs = "/".join(str(e) for e in col("epochs_run"))
            name = f"scvi-tools {d0['version']} + our recipe" if lib == "scvi-tools-recipe" else f"{lib} {d0['version']}"
            rows.append([f"{ds} {d0['n_cells']}×{d0['n_genes']}" + (f", batch={d0['batch_key']}" if d0.get("batch_key") else ""),
                         name, _ms(col("train_seconds")), ratio, epochs, _ms(col("heldout_iwae")),
                         delta, _ms(col("heldout_elbo_mc")), _ms(col("ari"), "{:.3f}"), _ms(col("nmi"), "{:.3f}")])
            for s in ss:
                if not runs[s].get("split_is_ours"): notes.append(f"{ds}/{lib}/split {s}: the split used is NOT the intended one")
            if len(ss) < len(splits): notes.append(f"{ds}/{lib}: results for splits {ss} only")
    md = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    md += ["| " + " | ".join(map(str, row)) + " |" for row in rows]
    notes.append(f"splits {list(splits)}: mean ± standard deviation over splits; the time ratio and Δ LL are paired by split"
                 "; epochs: one count per split")
    if max_epochs: notes.append(f"smoke test: every run trained {max_epochs} epoch(s), not its default")
    md += [""] + [f"- {n}" for n in notes]
    return "\n".join(md)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--datasets", nargs="+", default=list(DATASETS), choices=DATASETS)
    ap.add_argument("--epochs", type=int, default=400)
    ap.add_argument("--libraries", nargs="+", default=list(LIBS), choices=DEFAULT_LIBS,
                    help="default: scvi-tools scvi_nb (with --defaults also scvi-tools-recipe)")
    ap.add_argument("--wait-idle", type=float, default=600, metavar="S",
                    help="before each training wait up to S seconds for the load average to fall below --idle-load")
    ap.add_argument("--idle-load", type=float, default=0.8)
    ap.add_argument("--reuse", action="store_true", help="skip runs whose JSON already exists")
    ap.add_argument("--table-only", action="store_true", help="only rebuild the table from existing JSON")
    ap.add_argument("--defaults", action="store_true",
                    help="defaults vs defaults: each library's own SCVI(adata).train() on the same split (only the split is "
                         "given), held-out log-likelihood by IWAE with 200 samples computed the same way for both")
    ap.add_argument("--splits", nargs="+", type=int, default=[0],
                    help="--defaults: seeded 90/10 splits to run (0: the prepared one); the table gives mean ± spread")
    ap.add_argument("--max-epochs", type=int, default=None,
                    help="--defaults: train every run this many epochs (a smoke test of the pipeline, not a result)")
    args = ap.parse_args(argv)
    mode = "defaults" if args.defaults else args.epochs
    if args.defaults and args.libraries == list(LIBS): args.libraries = list(DEFAULT_LIBS)
    RESULTS.mkdir(parents=True, exist_ok=True)
    if not args.table_only:
        subprocess.run([sys.executable, HERE / "prepare.py", "--datasets", *args.datasets], check=True)
        if "scvi-tools" in args.libraries: ensure_scvi_venv()
        runners = {"scvi-tools": [VENV_PY, HERE / "run_scvi_tools.py"], "scvi_nb": [sys.executable, HERE / "run_scvi_nb.py"],
                   "scvi-tools-recipe": [VENV_PY, HERE / "run_scvi_tools.py", "--recipe"]}
        for ds in args.datasets:
            for s in (args.splits if args.defaults else [0]):
                for lib in args.libraries:  # sequential: two trainings at once would share the cores
                    if lib == "scvi-tools-recipe" and not args.defaults: continue
                    res = result_path(ds, lib, mode, s, args.max_epochs) if args.defaults else result_path(ds, lib, mode)
                    if args.reuse and res.exists():
                        print(f"{ds} / {lib}: reusing {res.name}"); continue
                    wait_idle(args.wait_idle, args.idle_load)
                    print(f"{ds} / {lib}: " + (f"training at its defaults, split {s}" if args.defaults
                                               else f"training {args.epochs} epochs"), flush=True)
                    res.unlink(missing_ok=True)  # never table a stale result
                    extra = (["--defaults", "--split", s] + (["--max-epochs", args.max_epochs] if args.max_epochs else [])
                             if args.defaults else [])
                    run(runners[lib] + ["--dataset", ds, "--epochs", args.epochs] + extra, res.with_suffix(".log"))
    md = defaults_table(args.datasets, args.splits, args.max_epochs) if args.defaults else table(args.datasets, args.epochs)
    cmd = "python benchmarks/compare.py " + " ".join(sys.argv[1:] if argv is None else argv)
    out = RESULTS / f"table_{res_tag(mode)}{'_smoke' if args.defaults and args.max_epochs else ''}.md"
    title = (("each library at its own defaults, and scvi-tools given our recipe"
              + (f", splits {args.splits}" if len(args.splits) > 1 else "")) if args.defaults else f"{args.epochs} epochs")
    out.write_text(f"# scvi_nb vs scvi-tools, {title}\n\n`{cmd}`\n\n{md}\n")
    print("\n" + md + f"\n\nwrote {out}")


if __name__ == "__main__":
    main()
