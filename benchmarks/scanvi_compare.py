"""scANVI label transfer, scvi_nb vs scvi-tools, side by side in one command.

    python benchmarks/scanvi_compare.py                      # both scenarios, both libraries, then the table
    python benchmarks/scanvi_compare.py --seeds 0 1 2 --reuse   # two more seeds (seed 0's runs reused), and their table
    python benchmarks/scanvi_compare.py --table-only         # rebuild the table from the JSON in results/

A (pbmc3k): 10% of the labels kept, SCVI then SCANVI.from_scvi_model at each library's defaults, accuracy on the 90%
whose labels were hidden. B (ifnb): SCVI + SCANVI on the CTRL cells (all labelled), scArches query on the STIM cells
(labels hidden) for --query-epochs (the same for both), accuracy on the query. The protocol is `_common.run_scanvi`;
the runners are run_scanvi_tools.py (in benchmarks/.venv-scvi) and run_scanvi_nb.py (this interpreter), one after
the other. Writes results/table_scanvi.md: seed 0's full table, then, where other seeds have run (--seeds: each
seeds every stage's training and the 90/10 splits, for both libraries alike; the kept labels stay seed 0's),
accuracy per seed with its mean and standard deviation.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import HERE, QUERY_EPOCHS, RESULTS, SCANVI_SCENARIOS, TIMING_CAVEAT, scanvi_result_path  # noqa: E402
from compare import LIBS, VENV_PY, _f, ensure_scvi_venv, run, wait_idle  # noqa: E402


def _load(ds, lib, seed=0):
    p = scanvi_result_path(ds, lib, seed=seed)
    return json.loads(p.read_text()) if p.exists() else None


def _stage(d, name):
    st = d["stages"].get(name)
    return "—" if st is None else f"{st['seconds']:.1f} s / {st.get('epochs')} (load {st['loadavg_before']:.1f}→{st['loadavg_after']:.1f})"


def _agreement(ds) -> str | None:
    "Fraction of the evaluated cells on which the two libraries predict the same label (from the per-cell CSVs)."
    import pandas as pd
    paths = [scanvi_result_path(ds, lib, "_cells.csv") for lib in LIBS]
    if not all(p.exists() for p in paths): return None
    a, b = (pd.read_csv(p).set_index("cell") for p in paths)
    keep = a.index[a["role"].isin(["hidden", "query"])]
    return f"{(a.loc[keep, 'predicted'] == b.loc[keep, 'predicted']).mean():.3f} of {len(keep)} cells"


def table(datasets) -> str:
    "Markdown: one summary row per (scenario, library), then per-type recall on the evaluated cells."
    head = ["scenario", "library", "accuracy", "balanced accuracy", "macro F1", "kNN (k=5) on the latent: acc. / bal.",
            "SCVI `.train()`: s / epochs", "SCANVI `.train()`: s / epochs", "query `.train()`: s / epochs"]
    md = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    notes, per_type = [], []
    for ds in datasets:
        r = {lib: _load(ds, lib) for lib in LIBS}
        for lib, d in r.items():
            if d is None:
                md.append(f"| {ds} | {lib} | (no result) |" + " |" * (len(head) - 3)); continue
            s = d["scores"]
            knn = d.get("knn_on_scvi_latent") or d.get("knn_on_query_latent")
            md.append("| " + " | ".join([
                f"{ds} ({SCANVI_SCENARIOS[ds][0]}), {s['n']} cells", f"{lib} {d['version']}", _f(s["accuracy"]),
                _f(s["balanced_accuracy"]), _f(s["macro_f1"]), f"{knn['accuracy']:.3f} / {knn['balanced_accuracy']:.3f}",
                _stage(d, "scvi"), _stage(d, "scanvi"), _stage(d, "query")]) + " |")
            notes += [f"{ds}/{lib}: {n}" for n in d.get("notes", [])]
            if "reference_predictions_changed" in d:
                notes.append(f"{ds}/{lib}: reference cells' latent max |change| during the query training "
                             f"{d['reference_latent_max_abs_change']:.2g}; reference predictions changed "
                             f"{d['reference_predictions_changed']:.3f}; reference accuracy "
                             f"{d['scores_reference_before_query']['accuracy']:.3f} → "
                             f"{d['scores_reference_after_query']['accuracy']:.3f}")
        done = {lib: d for lib, d in r.items() if d is not None}
        if len(done) == 2:
            a, b = done.values()
            for key in ("labelled_digest", "split_digest", "n_cells", "query_epochs"):
                if a.get(key) != b.get(key): notes.append(f"{ds}: the two runs differ in {key}: {a.get(key)} vs {b.get(key)}")
            agree = _agreement(ds)
            if agree: notes.append(f"{ds}: the two libraries predict the same label on {agree}")
        if done:
            libs = list(done)
            first = next(iter(done.values()))["scores"]["per_type"]
            per_type += ["", f"Per-type recall, {ds} ({SCANVI_SCENARIOS[ds]}):", "",
                         "| type | cells | " + " | ".join(libs) + " |", "|" + "---|" * (2 + len(libs))]
            per_type += [f"| {t} | {p['n']} | " + " | ".join(_f(done[l]["scores"]["per_type"].get(t, {}).get("recall"))
                                                         for l in libs) + " |" for t, p in first.items()]
    if notes: md += [""] + [f"- {n}" for n in notes]
    return "\n".join(md + per_type + ["", f"Timing: {TIMING_CAVEAT}."] + seeds_table(datasets))


def seeds_table(datasets) -> list[str]:
    "Accuracy (balanced accuracy) per seed, mean ± sd over the seeds with results for both libraries; [] for one seed."
    found = sorted({int(p.stem.split("_seed")[1]) for p in RESULTS.glob("*_scanvi_*_seed*.json")})
    seeds = [0] + found
    if len(seeds) < 2: return []
    rows = ["", "## Across seeds", "", "Every stage's training and the 90/10 splits seeded alike for both libraries; "
            "seed 0 is the table above. Accuracy / balanced accuracy on the evaluated cells; B also before the query's "
            "training (where recorded).", "",
            "| scenario | library | " + " | ".join(f"seed {s}" for s in seeds) + " | mean ± sd (accuracy) | mean ± sd (balanced) |",
            "|" + "---|" * (4 + len(seeds))]
    for ds in datasets:
        for lib in LIBS:
            runs = {s: _load(ds, lib, s) for s in seeds}
            done = [d for d in runs.values() if d is not None]
            if not done: continue
            cell = lambda d: "—" if d is None else f"{d['scores']['accuracy']:.3f} / {d['scores']['balanced_accuracy']:.3f}"
            acc = np.array([d["scores"]["accuracy"] for d in done]); bal = np.array([d["scores"]["balanced_accuracy"] for d in done])
            sd = lambda a: f"{a.std(ddof=1):.3f}" if len(a) > 1 else "—"
            rows.append(f"| {ds} | {lib} | " + " | ".join(cell(runs[s]) for s in seeds)
                        + f" | {acc.mean():.3f} ± {sd(acc)} (n={len(acc)}) | {bal.mean():.3f} ± {sd(bal)} |")
            before = [d.get("scores_query_before_training") for d in runs.values()]
            if any(b is not None for b in before):
                b = np.array([x["accuracy"] for x in before if x is not None])
                rows.append(f"| {ds}, query before its training | {lib} | " + " | ".join(
                    "—" if x is None else f"{x['accuracy']:.3f} / {x['balanced_accuracy']:.3f}" for x in before)
                    + f" | {b.mean():.3f} ± {sd(b)} (n={len(b)}) | |")
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--datasets", nargs="+", default=list(SCANVI_SCENARIOS), choices=list(SCANVI_SCENARIOS))
    ap.add_argument("--libraries", nargs="+", default=list(LIBS), choices=LIBS)
    ap.add_argument("--query-epochs", type=int, default=QUERY_EPOCHS)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0], help="training and split seeds, one run of each")
    ap.add_argument("--scvi-python", type=Path, default=VENV_PY,
                    help="the interpreter with scvi-tools (default benchmarks/.venv-scvi, created if missing)")
    ap.add_argument("--wait-idle", type=float, default=600, metavar="S",
                    help="before each run wait up to S seconds for the load average to fall below --idle-load")
    ap.add_argument("--idle-load", type=float, default=0.8)
    ap.add_argument("--reuse", action="store_true", help="skip runs whose JSON already exists")
    ap.add_argument("--table-only", action="store_true", help="only rebuild the table from existing JSON")
    args = ap.parse_args(argv)
    RESULTS.mkdir(parents=True, exist_ok=True)
    if not args.table_only:
        import subprocess
        subprocess.run([sys.executable, HERE / "prepare.py", "--datasets", *args.datasets], check=True)
        if "scvi-tools" in args.libraries and args.scvi_python == VENV_PY: ensure_scvi_venv()
        runners = {"scvi-tools": [args.scvi_python, HERE / "run_scanvi_tools.py"],
                   "scvi_nb": [sys.executable, HERE / "run_scanvi_nb.py"]}
        for ds, seed, lib in ((d, s, l) for s in args.seeds for d in args.datasets for l in args.libraries):
            res = scanvi_result_path(ds, lib, seed=seed)   # sequential: two trainings at once would share the cores
            if args.reuse and res.exists():
                print(f"{ds} / {lib} / seed {seed}: reusing {res.name}"); continue
            wait_idle(args.wait_idle, args.idle_load)
            print(f"{ds} / {lib} / seed {seed}: scANVI scenario {SCANVI_SCENARIOS[ds][0]}", flush=True)
            res.unlink(missing_ok=True)  # never table a stale result
            run(runners[lib] + ["--dataset", ds, "--query-epochs", args.query_epochs, "--seed", seed], res.with_suffix(".log"))
    md = table(args.datasets)
    flags = [a for a in (sys.argv[1:] if argv is None else argv) if a != "--table-only"]   # the run's command
    cmd = " ".join(["python benchmarks/scanvi_compare.py", *flags])
    out = RESULTS / "table_scanvi.md"
    out.write_text(f"# scANVI label transfer, scvi_nb vs scvi-tools\n\n`{cmd}`\n\n{md}\n")
    print("\n" + md + f"\n\nwrote {out}")


if __name__ == "__main__":
    main()
