"""Render every notebook in nbs/ to HTML and check what the documentation pages will show.

Each notebook goes through nbconvert's `HTMLExporter` from its *stored* outputs; nothing is executed. Scratch
notebooks (any part of the path under nbs/ starting with `_` or `.`) are left out, as nbdev leaves them out of the
site. The check fails on:

* a tutorial page (nbs/tutorials/*.ipynb) without any image output: a tutorial's figures are its point, and a
  notebook saved without outputs would publish a page without them (store them with
  `nbdev-test nbs/tutorials/NAME.ipynb --save`, then `nbdev-clean`);
* any stored output of any notebook that is an error (`output_type: 'error'`): a traceback on a docs page;
* a notebook that nbformat cannot read or nbconvert cannot render.

This is a fast stand-in that runs anywhere nbconvert does. The real site is built by Quarto (`nbdev-docs`) in the
GitHub workflow; these machines cannot install Quarto.

Usage: `python tools/render_docs.py [--out DIR] [--nbs DIR]` prints the problems and exits 1 if there are any
(the HTML pages go to a temporary folder unless `--out` is given). From Python: `render_docs()` returns the list of
problems (empty when all is well); tests/test_docs.py runs it under pytest.
"""
import argparse
import sys
import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT / "nbs"
IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml", "image/gif")


def notebooks(nbs=NBS) -> list:
    "The notebooks of the docs under `nbs`, sorted; scratch ones (a path part starting with `_` or `.`) left out"
    nbs = Path(nbs)
    return sorted(p for p in nbs.rglob("*.ipynb")
                  if not any(part.startswith(("_", ".")) for part in p.relative_to(nbs).parts))


def has_image(nb) -> bool:
    "Whether any stored output of the notebook holds an image"
    return any(o.get("output_type") in ("display_data", "execute_result") and any(t in o.get("data", {}) for t in IMAGE_TYPES)
               for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))


def error_outputs(nb) -> list:
    "'cell N: Name: message' for every stored error output"
    first = lambda s: (str(s).splitlines() or [""])[0][:200]
    return [f"cell {i}: {o.get('ename', '?')}: {first(o.get('evalue', ''))}"
            for i, c in enumerate(nb.cells) if c.cell_type == "code"
            for o in c.get("outputs", []) if o.get("output_type") == "error"]


def render_docs(nbs=NBS, out_dir=None) -> list:
    "Render each docs notebook under `nbs` to HTML in `out_dir` (a temporary folder if None); return the problems found"
    from nbconvert import HTMLExporter
    nbs, problems = Path(nbs), []
    exporter = HTMLExporter()
    with tempfile.TemporaryDirectory(prefix="scvi_nb_docs_") as tmp:
        out = Path(out_dir) if out_dir is not None else Path(tmp)
        for path in notebooks(nbs):
            rel = path.relative_to(nbs)
            try: nb = nbformat.read(path, as_version=4)
            except Exception as e:
                problems.append(f"{rel}: nbformat cannot read it ({type(e).__name__}: {e})"); continue
            problems += [f"{rel}: stored error output in {err}" for err in error_outputs(nb)]
            if rel.parts[0] == "tutorials" and not has_image(nb):
                problems.append(f"{rel}: tutorial page without any image output (store outputs: "
                                f"nbdev-test nbs/{rel} --save, then nbdev-clean --fname nbs/{rel})")
            try: body, _ = exporter.from_notebook_node(nb)
            except Exception as e:
                problems.append(f"{rel}: nbconvert cannot render it ({type(e).__name__}: {e})"); continue
            dest = out / rel.with_suffix(".html")
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(body, encoding="utf-8")
    return problems


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", help="keep the HTML pages in this folder (default: a temporary folder)")
    p.add_argument("--nbs", default=str(NBS), help="the notebooks' folder (default: nbs/)")
    args = p.parse_args(argv)
    n = len(notebooks(args.nbs))
    problems = render_docs(args.nbs, args.out)
    if problems:
        print(f"{len(problems)} problem(s) in the docs ({n} notebooks rendered):", *problems, sep="\n  ")
        return 1
    print(f"docs OK: {n} notebooks rendered to HTML" + (f" in {args.out}" if args.out else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
