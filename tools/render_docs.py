"""Render every notebook in nbs/ to HTML and check that each page shows what its reader needs.

Each notebook goes through nbconvert's `HTMLExporter` from its *stored* outputs; nothing is executed. Scratch
notebooks (any part of the path under nbs/ starting with `_` or `.`) are left out, as nbdev leaves them out of the
site. The check fails on:

* a code cell that shows something when it runs but is stored without any output (rule below): the docs site
  shows stored outputs only, so that page would show its reader nothing where the prose promises a result;
* a tutorial page (nbs/tutorials/*.ipynb) without any image output: a tutorial's figures are its point;
* any stored output of any notebook that is an error (`output_type: 'error'`): a traceback on a docs page;
* a notebook that nbformat cannot read or nbconvert cannot render.
Each problem names the notebook, the cell (its index in the notebook, markdown cells counted, from 0) and the cell's
first line. Store outputs with `nbdev-test --path nbs/NAME.ipynb --save` (or `jupyter nbconvert --to notebook
--execute --inplace nbs/NAME.ipynb`), then `nbdev-clean`.

**Which cells must have a stored output.** Decided statically, from the cell's source (parsed with `ast`; code inside
`def`, `class` and `lambda` bodies does not count, since defining a function shows nothing). A cell must have an
output when, at its top level (loops, `if`, `with` and `try` blocks included):
  1. it calls `print`, `display` or `show_doc`; or
  2. it plots: any call under `plt.`, `sns.` or scanpy's `sc.pl.`, a method whose name starts with `plot` or is one
     of `hist`, `scatter`, `imshow`, `bar`, `barh`, `boxplot`, `violinplot`, `pcolormesh`, `contour`, `contourf`,
     `matshow`, `errorbar`, `fill_between`, or any use of a name starting with `fig` or `ax` (`fig`, `ax1`, `axes`);
  3. or its last statement is a bare expression (`hist.tail(3)`, `df`, `a, b`), which Jupyter displays, unless the
     last line ends with `;` (Jupyter then displays nothing) or the expression is a call of a function named
     `test_*` (fastcore's `test_eq`, `test_close`, `test_fail`, ... and a notebook's own test helpers) or of one
     that returns None (`_RETURNS_NONE`: `rmtree`, `nbdev_export`, `backward`, `seed`, `append`, ...).
A last statement that is an assignment, an import, an `assert`, a `def`/`class`, or a loop/`if` block without
a print is not required to output. Not checked at all: cells that the docs do not show or that never run —
`#| hide`, `#| export`, `#| exporti`, `#| default_exp`, `#| include: false`, `#| output: false`, `#| eval: false`
— and cells that cannot be parsed.

**Cells under a test flag** (`tst_flags` in pyproject.toml: `notest slow cuda`). nbdev-test skips them unless asked,
so a notebook may legitimately be stored from a run without them (a `#| cuda` cell cannot run on a CPU machine).
The rule: cells flagged F are checked like any other when the notebook stores a run of F — at least one cell
flagged F has a stored output — and are not checked when none has, i.e. when no stored run of F exists. So a
notebook saved after a `--flags slow` run must show every slow cell's output; one saved from a plain run need not.

**What the pages hide.** The HTML mirrors what nbdev and Quarto leave out of the real site: cells with `#| hide`,
`#| export`, `#| exporti`, `#| default_exp` or `#| include: false` are dropped entirely (nbdev's `rm_export` and
`hide_` processors; the real site puts the `show_doc` of each exported name in an exported cell's place, which
needs a kernel and is left out here); the source of `#| echo: false` cells and of `show_doc` cells is hidden and their outputs kept
(Quarto's `echo`, nbdev's `clean_show_doc`); `#| output: false` keeps the source and drops the outputs; the `#|`
directive lines at the top of a shown cell are removed from the source.

This is a fast stand-in that runs anywhere nbconvert does. The real site is built by Quarto (`nbdev-docs`) in the
GitHub workflow; these machines cannot install Quarto.

Usage: `python tools/render_docs.py [--out DIR] [--nbs DIR]` prints the problems and exits 1 if there are any
(the HTML pages go to a temporary folder unless `--out` is given). From Python: `render_docs()` returns the list of
problems (empty when all is well); tests/test_docs.py runs it under pytest.
"""
import argparse
import ast
import copy
import io
import re
import sys
import tempfile
import tokenize
import tomllib
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT / "nbs"
IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml", "image/gif")

# --- directives -----------------------------------------------------------------------------------------------------
_DIRECTIVE = re.compile(r"^\s*#\|\s*(.*?)\s*$")
_DROPPED = {"hide", "export", "exporti", "default_exp"}   # nbdev removes these cells from the page
_PLOT_METHODS = {"hist", "scatter", "imshow", "bar", "barh", "boxplot", "violinplot", "pcolormesh", "contour",
                 "contourf", "matshow", "errorbar", "fill_between"}
_PLOT_MODULES = {"plt", "sns"}
# calls that return None, so that a cell ending in one of them displays nothing
_RETURNS_NONE = {"rmtree", "nbdev_export", "backward", "seed", "manual_seed_all", "set_rng_seed", "clear_param_store",
                 "enable_validation", "filterwarnings", "simplefilter", "setLevel", "set_num_threads", "unlink", "mkdir",
                 "makedirs", "remove", "append", "extend", "update", "sort", "clear", "step", "zero_grad", "close",
                 "write_h5ad", "savefig", "tight_layout", "set_printoptions", "cleanup"}


def tst_flags() -> list:
    "The test flags of the project (`tst_flags` in pyproject.toml's [tool.nbdev])"
    try: cfg = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["nbdev"]
    except (OSError, KeyError, tomllib.TOMLDecodeError): cfg = {}
    return str(cfg.get("tst_flags", "notest slow cuda")).split()


def directives(source: str) -> dict:
    "The `#|` directives at the top of a cell: `{'hide': '', 'echo': 'false', 'default_exp': 'core'}`"
    out = {}
    for line in source.splitlines():
        if not line.strip(): continue
        m = _DIRECTIVE.match(line)
        if not m: break
        key, sep, val = m.group(1).partition(":")
        if not sep: key, _, val = m.group(1).partition(" ")
        out[key.strip()] = val.strip().lower()
    return out


def _strip_directives(source: str) -> str:
    "`source` without the `#|` directive lines at its top"
    lines = source.splitlines()
    while lines and (not lines[0].strip() or _DIRECTIVE.match(lines[0])): lines.pop(0)
    return "\n".join(lines)


def _first_line(source: str) -> str:
    return (_strip_directives(source).strip().splitlines() or [""])[0][:100]


# --- which cells show something -------------------------------------------------------------------------------------
def _walk_top(nodes):
    "Every node under `nodes`, not descending into function, class or lambda bodies"
    stack = list(nodes)
    while stack:
        n = stack.pop()
        yield n
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            stack += n.decorator_list if hasattr(n, "decorator_list") else []
            continue
        stack += list(ast.iter_child_nodes(n))


def _dotted(node) -> list:
    "['plt', 'subplots'] for `plt.subplots`; [] when the chain does not start at a name"
    parts = []
    while isinstance(node, ast.Attribute): parts.append(node.attr); node = node.value
    return [node.id] + parts[::-1] if isinstance(node, ast.Name) else parts[::-1]


def _called_name(call: ast.Call) -> str:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def _shows(node) -> str:
    "What `node` does that shows something ('calls print', 'plots', ...), or ''"
    if isinstance(node, ast.Call):
        name, chain = _called_name(node), _dotted(node.func)
        if name in ("print", "display", "show_doc") and isinstance(node.func, ast.Name): return f"calls {name}"
        if chain and (chain[0] in _PLOT_MODULES or chain[:2] == ["sc", "pl"]): return "plots"
        if isinstance(node.func, ast.Attribute) and (name.startswith("plot") or name in _PLOT_METHODS): return "plots"
    if isinstance(node, ast.Name) and re.match(r"(fig|ax)", node.id): return "draws a figure"
    return ""


def _quiet_last_line(source: str) -> bool:
    "Whether the cell's last token is `;` (Jupyter then does not display the last expression)"
    toks = []
    try:
        for t in tokenize.generate_tokens(io.StringIO(source).readline):
            if t.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
                              tokenize.ENDMARKER): toks.append(t)
    except (tokenize.TokenError, SyntaxError): return False
    return bool(toks) and toks[-1].string == ";"


def shows_output(source: str) -> str:
    "Why a code cell with this source shows something when it runs (see the module docstring), or '' if it need not"
    lines = []
    for line in source.splitlines():   # IPython magics and shell escapes are not Python: keep their place
        s = line.lstrip()
        lines.append(line[:len(line) - len(s)] + "pass" if s.startswith(("%", "!")) else line)
    try: tree = ast.parse("\n".join(lines))
    except SyntaxError: return ""
    at = lambda n: f"(line {n.lineno}: `{lines[n.lineno - 1].strip()[:80]}`)"
    for node in sorted(_walk_top(tree.body), key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0))):
        why = _shows(node)
        if why: return f"it {why} {at(node)}"
    last = tree.body[-1] if tree.body else None
    if isinstance(last, ast.Expr) and not _quiet_last_line(source):
        if isinstance(last.value, ast.Call):
            name = _called_name(last.value)
            if name.startswith("test_") or name in _RETURNS_NONE: return ""
        return f"Jupyter displays its last expression {at(last)}"
    return ""


def missing_outputs(nb, flags=None) -> list:
    "(cell index, first line, why) of every code cell that shows something but is stored without an output"
    flags = tst_flags() if flags is None else flags
    code = [(i, c, directives(c.source)) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    stored_runs = {f for f in flags if any(f in d and c.get("outputs") for _, c, d in code)}
    out = []
    for i, c, d in code:
        if c.get("outputs") or d.keys() & _DROPPED: continue
        if "false" in (d.get("include"), d.get("output"), d.get("eval")): continue
        if any(f in d and f not in stored_runs for f in flags): continue   # the notebook stores no run of this flag
        why = shows_output(c.source)
        if why: out.append((i, _first_line(c.source), why))
    return out


# --- the page as the site shows it ----------------------------------------------------------------------------------
def as_shown(nb):
    "A copy of `nb` with what the docs site hides removed (see the module docstring)"
    nb = copy.deepcopy(nb)
    cells = []
    for c in nb.cells:
        if c.cell_type != "code": cells.append(c); continue
        d = directives(c.source)
        if d.keys() & _DROPPED or d.get("include") == "false": continue
        if d.get("output") == "false": c.outputs = []
        if d.get("echo") == "false" or re.match(r"show_doc\b", _strip_directives(c.source).lstrip()):
            c.metadata.setdefault("transient", {})["remove_source"] = True
        c.source = _strip_directives(c.source)
        cells.append(c)
    nb.cells = cells
    return nb


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
    nbs, problems, flags = Path(nbs), [], tst_flags()
    exporter = HTMLExporter()
    with tempfile.TemporaryDirectory(prefix="scvi_nb_docs_") as tmp:
        out = Path(out_dir) if out_dir is not None else Path(tmp)
        for path in notebooks(nbs):
            rel = path.relative_to(nbs)
            try: nb = nbformat.read(path, as_version=4)
            except Exception as e:
                problems.append(f"{rel}: nbformat cannot read it ({type(e).__name__}: {e})"); continue
            problems += [f"{rel}: stored error output in {err}" for err in error_outputs(nb)]
            problems += [f"{rel}: cell {i} (`{line}`) is stored without output, but {why}"
                         for i, line, why in missing_outputs(nb, flags)]
            if rel.parts[0] == "tutorials" and not has_image(nb):
                problems.append(f"{rel}: tutorial page without any image output (store outputs: "
                                f"nbdev-test nbs/{rel} --save, then nbdev-clean --fname nbs/{rel})")
            try: body, _ = exporter.from_notebook_node(as_shown(nb))
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
