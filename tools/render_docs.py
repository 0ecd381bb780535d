"""Render every notebook in nbs/ to HTML and check that each page shows what its reader needs.

Each notebook goes through nbconvert's `HTMLExporter` from its *stored* outputs; nothing is executed. Scratch
notebooks (any part of the path under nbs/ starting with `_` or `.`) are left out, as nbdev leaves them out of the
site. The check fails on:

* a code cell that shows something when it runs but is stored without any output (rule below): the docs site
  shows stored outputs only, so that page would show its reader nothing where the prose promises a result;
* a tutorial page (nbs/tutorials/*.ipynb) without any image output: a tutorial's figures are its point;
* any stored output of any notebook that is an error (`output_type: 'error'`): a traceback on a docs page;
* a notebook that nbformat cannot read or nbconvert cannot render;
* a decimal number in the prose (a markdown cell) that no stored output of a code cell above it on the same page
  prints at the prose's rounding (0.898 matches a printed 0.89812; 4.2% matches 0.042), unless its sentence names its outside source: a
  citation (`et al.`, the paper, a link, scvi-tools' docs) or a file of this repository that holds the number
  (`benchmarks/README.md`). Numbers in code spans, math and links, and version numbers (1.4.2), are not prose claims.
  A table row is read with the sentence above the table, its caption;
* words that speak to the project instead of the reader: build numbers, test lanes, `DESIGN.md`, a repository file
  that does not exist (`benchmarks/nothing.py`), and local paths (`/work/`, `.venv/lib`, `site-packages/`) in prose or
  in stored outputs (a warning's file name).
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


# --- the prose quotes only what the page prints -------------------------------------------------------------------
_NUM = re.compile(r"(?<![\w.])[-−]?(\d+\.\d+(?:[eE][-+−]?\d+)?)(?!\.\d)(%?)")   # 0.898, −1303.2, 4.2%, 4.8e-07; not 1.4.2
_OUT_NUM = re.compile(r"(?<![\w])[-−]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")                                 # 2,638 -> 2638
_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.S)
_MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]*\$", re.S)
_URL = re.compile(r"\]\([^)]*\)|https?://\S+|<[^>\n]*>")
# what names a number's outside source in its sentence: a citation, the paper, a link, another project's documentation,
# or a file of this repository (checked to exist)
_SOURCE = re.compile(r"et al\.|\bthe paper\b(?!'s)|\bdoi\b|https?://|\]\(|scvi-tools'? (?:docs|documentation)"
                     r"|scib-metrics'? (?:docs|documentation)|\b(?:Lopez|Xu|Lotfollahi|Luecken|Gayoso|Boyeau|Kang|Zheng"
                     r"|Grønbech)\b", re.I)
_REPO_FILE = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)*[\w.-]+\.(?:py|md|ipynb|toml|ya?ml|json|sh|txt|cfg))\b")
_SENTENCE_END = re.compile(r"(?<!\bet al\.)(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bvs\.)(?<!\bcf\.)(?<=[.!?])\s+(?=\S)")


def _prose_units(md: str) -> list:
    """The sentences of a markdown cell, each as it reads. A table row is its own unit, with the sentence before the
    table (its caption) and the header row attached, since a table names its source above it; a list item is split
    from the next."""
    units, caption = [], ""
    for block in re.split(r"\n\s*\n", md):
        lines = block.split("\n")
        rows = [l for l in lines if l.lstrip().startswith("|")]
        if rows and len(rows) >= 2:
            header = rows[0]
            for r in rows[2:] if re.match(r"^\s*\|[\s:|-]+\|\s*$", rows[1]) else rows:
                units.append(f"{caption} {header} {r}")
            continue
        text = re.sub(r"\n(?=\s*(?:[-*+]|\d+\.)\s)", "\n\n", block)   # one unit per list item at least
        for item in re.split(r"\n\n", text):
            sents = [u.strip() for u in _SENTENCE_END.split(" ".join(item.split())) if u.strip()]
            units += sents
            if sents: caption = sents[-1]
    return units


def _repo_file(name: str, root: Path, here: Path):
    """The repository's file that `name` means (from the root, nbs/ or the page's folder, or by its base name alone),
    or None"""
    name = name[2:] if name.startswith("./") else name
    for base in (root, root / "nbs", here):
        if (base / name).is_file(): return base / name
    if "/" not in name:
        return next((p for p in root.rglob(name) if p.is_file() and not {".venv", ".git"} & set(p.parts)), None)
    return None


def _file_text(path: Path) -> str:
    "A cited file's text: a notebook's stored outputs and markdown, any other file as it is"
    try:
        if path.suffix == ".ipynb":
            nb = nbformat.read(path, as_version=4)
            return output_text(nb) + "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        return path.read_text(encoding="utf-8", errors="replace")
    except Exception: return ""


def names_source(sentence: str, number: str = None, root: Path = ROOT, here: Path = NBS) -> bool:
    """Whether the sentence names where its numbers come from outside the page: a citation or the paper, a link,
    another project's documentation (`_SOURCE`), or a file of this repository. A cited file must hold `number` (at
    the sentence's rounding), so that a citation cannot cover a number its source does not have."""
    if _SOURCE.search(sentence): return True
    files = [f for f in (_repo_file(n, root, here) for n in _REPO_FILE.findall(sentence)) if f is not None]
    if number is None or not files: return bool(files)
    n, pc = number.rstrip("%"), number.endswith("%")
    return any(_appears(n, pc, _printed(_file_text(f))) for f in files)


def _cell_output_text(c) -> str:
    "The text of one code cell's stored outputs (streams, plain text, HTML, markdown, LaTeX)"
    parts = []
    for o in c.get("outputs", []):
        if "text" in o: parts.append(str(o["text"]))
        for k in ("text/plain", "text/html", "text/markdown", "text/latex"):
            v = o.get("data", {}).get(k)
            if v: parts.append(v if isinstance(v, str) else "".join(v))
    return "\n".join(parts)


def output_text(nb) -> str:
    "All the text of the notebook's stored outputs"
    return "\n".join(_cell_output_text(c) for c in nb.cells if c.cell_type == "code")


def _printed(text: str) -> set:
    "The absolute values of every number in `text` as Decimals"
    from decimal import Decimal, InvalidOperation
    out = set()
    for m in _OUT_NUM.finditer(_THOUSANDS.sub("", text)):
        try: out.add(abs(Decimal(m.group().replace("−", "-"))))
        except InvalidOperation: pass
    return out


def _appears(number: str, percent: bool, printed: set) -> bool:
    """Whether `number` (as the prose writes it, without sign) is one of `printed` at the prose's rounding (half up or
    half even), or, for a percentage, one of `printed` times 100"""
    from decimal import Decimal, InvalidOperation, ROUND_HALF_UP, ROUND_HALF_EVEN
    x = Decimal(number.replace("−", "-")); q = Decimal(1).scaleb(x.as_tuple().exponent)
    for y in printed:
        for ys in ((y, y * 100) if percent else (y,)):
            for r in (ROUND_HALF_UP, ROUND_HALF_EVEN):
                try:
                    if ys.quantize(q, rounding=r) == x: return True
                except InvalidOperation: pass
    return False


def _link_stub(m) -> str:
    "A link's target or a URL replaced by a stub without numbers (that still names a source); an HTML tag by a space"
    g = m.group()
    return "](link)" if g.startswith("](") else "https://link" if g.startswith("http") else " "


def unprinted_numbers(nb, here: Path = NBS, root: Path = ROOT) -> list:
    """(cell index, number, sentence) for every decimal number in the notebook's markdown that no stored output of a
    code cell above it prints at any rounding, in a sentence that names no outside source. Numbers in code spans, math and
    links are not prose claims and are skipped, as are version numbers (`1.4.2`)."""
    printed, out = set(), []
    for i, c in enumerate(nb.cells):
        if c.cell_type == "code": printed |= _printed(_cell_output_text(c))
        if c.cell_type != "markdown": continue
        md = _URL.sub(_link_stub, c.source)
        for unit in _prose_units(md):
            bare = _THOUSANDS.sub("", _MATH.sub(" ", _CODE.sub(" ", unit)))
            found = [(m.group(1), bool(m.group(2))) for m in _NUM.finditer(bare)]
            missing = [f"{n}{'%' if pc else ''}" for n, pc in found if not _appears(n, pc, printed)]
            out += [(i, n, unit) for n in missing if not names_source(unit, n, root, here)]
    return out


# --- reader pages speak to readers ----------------------------------------------------------------------------------
_MAINTAINER = [(re.compile(r"\bBuilds?\s+\d+", re.I), "a build number"),
               (re.compile(r"\b(?:this|that|the previous|the next|an earlier|a later|each|every) build\b", re.I),
                "the project's builds"),
               (re.compile(r"\blanes?\b", re.I), "test lanes"),
               (re.compile(r"\bseed notebook\b|\bseed's notebook\b", re.I), "the seed notebook"),
               (re.compile(r"\bDESIGN\.md\b"), "DESIGN.md, which is not in the repository")]
_LOCAL = re.compile(r"(?:/work/|\.venv/lib|site-packages/|/home/[\w.-]+/|/Users/[\w.-]+/|/root/)")
_WARNING = re.compile(r"\S*\.py:\d+: (\w*Warning): ([^\n.]{1,80})")


def _names_repo_file(name: str, root: Path) -> bool:
    """Whether `name` reads as a file of this repository: a path under one of its top-level folders
    (`benchmarks/compare.py`), or a bare name of a notebook, module or markdown file (`DESIGN.md`, `cli.py`); not a
    file that the software writes or downloads (`config.json`, `results/table.md`)"""
    first = name.split("/")[0]
    if "/" in name: return (root / first).is_dir() and not first.startswith(".") or first in (".github", ".ci")
    return name.endswith((".py", ".ipynb", ".md"))


def maintainer_words(nb, here: Path = NBS, root: Path = ROOT) -> list:
    """(cell index, what, excerpt) for every place where the page speaks to the project instead of its reader: build
    numbers, test lanes, DESIGN.md, local paths (in prose or stored outputs), and files named in the prose that the
    repository does not have"""
    out = []
    def excerpt(text, m): return " ".join(text[max(0, m.start() - 40):m.end() + 40].split())
    for i, c in enumerate(nb.cells):
        if c.cell_type == "markdown":
            for rx, what in _MAINTAINER + [(_LOCAL, "a local path")]:
                out += [(i, what, excerpt(c.source, m)) for m in rx.finditer(c.source)]
            text = re.sub(r"https?://\S+", " ", c.source)
            for m in _REPO_FILE.finditer(text):
                if m.group(1) != "DESIGN.md" and _names_repo_file(m.group(1), root) \
                        and _repo_file(m.group(1), root, here) is None:
                    out.append((i, f"a file the repository does not have ({m.group(1)})", excerpt(text, m)))
        elif c.cell_type == "code":
            text = _cell_output_text(c) + "\n".join(str(o.get("evalue", "")) + "".join(o.get("traceback", []))
                                                    for o in c.get("outputs", []))
            for m in _LOCAL.finditer(text):
                w = _WARNING.match(text, m.start())   # a warning prints the file that raised it: say which, and the fix
                out.append((i, "a local path in a stored output" + (f" ({w.group(1)}: {w.group(2).strip()}; filter it in a hidden"
                            " set-up cell above the import or call that raises it, or catch it there, and re-run)" if w else ""),
                            excerpt(text, m)))
    seen = set()   # one finding per cell and kind: a traceback repeats its path on every line
    return [f for f in out if not (f[:2] in seen or seen.add(f[:2]))]


def _clip(text: str, n: int = 160) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"


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
            problems += [f"{rel}: cell {i}: the prose quotes {n}, which no stored output above it prints and whose "
                         f"sentence names no source: \"{_clip(unit)}\"" for i, n, unit in unprinted_numbers(nb, path.parent)]
            problems += [f"{rel}: cell {i} names {what}: \"{ex}\"" for i, what, ex in maintainer_words(nb, path.parent)]
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
