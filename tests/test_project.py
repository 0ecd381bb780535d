"""Checks on the project itself: the docs sidebar matches the notebooks, README.md is in step with nbs/index.ipynb."""
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT / "nbs"


def _entries(items):
    for it in items:
        if isinstance(it, str): yield it
        elif isinstance(it, dict):
            if "contents" in it: yield from _entries(it["contents"])
            elif "href" in it: yield it["href"]


def test_sidebar_lists_every_notebook_once():
    sidebar = yaml.safe_load((NBS / "sidebar.yml").read_text())["website"]["sidebar"]["contents"]
    listed = list(_entries(sidebar))
    assert len(listed) == len(set(listed)), "a page is listed twice in nbs/sidebar.yml"
    missing = [p for p in listed if not (NBS / p).exists()]
    assert not missing, f"nbs/sidebar.yml lists pages that do not exist: {missing}"
    nbs = {str(p.relative_to(NBS)) for p in NBS.rglob("*.ipynb")
           if not any(part.startswith(("_", ".")) for part in p.relative_to(NBS).parts)}
    assert nbs <= set(listed), f"notebooks missing from nbs/sidebar.yml: {sorted(nbs - set(listed))}"
    sections = [s["section"] for s in sidebar if isinstance(s, dict) and "section" in s]
    assert sections == ["Get started", "Tutorials", "API", "Explanations"], sections


def test_readme_made_from_index():
    r = subprocess.run([sys.executable, str(ROOT / "tools/make_readme.py"), "--check"], capture_output=True, text=True)
    assert r.returncode == 0, f"README.md is stale: run `python tools/make_readme.py`\n{r.stdout}{r.stderr}"


# --- what a user's `pip install scvi-nb` brings must be what the package and the tutorials import -----------------
import ast
import json
import re
import tomllib
from importlib.metadata import packages_distributions

# Colab ships these; the tutorials may import them without installing anything
COLAB = {"IPython", "matplotlib_inline", "google"}


def _norm(req: str) -> str:
    return re.split(r"[<>=!~ \[;(@]", req, maxsplit=1)[0].strip().lower().replace("_", "-")


def _declared(*extras) -> set:
    proj = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = proj["dependencies"] + [r for e in extras for r in proj["optional-dependencies"][e]]
    return {_norm(r) for r in reqs}


def _top_imports(source: str) -> set:
    "Top-level names of the absolute imports in `source` (function bodies included)"
    names = set()
    for n in ast.walk(ast.parse(source)):
        if isinstance(n, ast.Import): names |= {a.name.split(".")[0] for a in n.names}
        elif isinstance(n, ast.ImportFrom) and n.level == 0 and n.module: names.add(n.module.split(".")[0])
    return names


def _undeclared(imports: set, declared: set, allowed=()) -> list:
    "Imports that no declared distribution provides (stdlib, scvi_nb and `allowed` excepted)"
    dists = packages_distributions()
    bad = []
    for m in sorted(imports - set(sys.stdlib_module_names) - {"scvi_nb", "__future__"} - set(allowed)):
        provided = {_norm(d) for d in dists.get(m, [])}
        if not provided & declared: bad.append(f"{m} (from {sorted(provided) or 'no installed distribution'})")
    return bad


def _guarded_imports(source: str) -> set:
    "Top-level names imported inside a function, in the body of a `try` that catches ImportError (an optional extra)"
    names = set()
    for f in ast.walk(ast.parse(source)):
        if not isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)): continue
        for t in ast.walk(f):
            if isinstance(t, ast.Try) and any(isinstance(h.type, ast.Name) and h.type.id in ("ImportError", "ModuleNotFoundError")
                                              for h in t.handlers):
                names |= _top_imports(ast.unparse(ast.Module(body=t.body, type_ignores=[])))
    return names


def _undeclared_in(source: str) -> list:
    "What a module imports that `pip install scvi-nb` lacks: runtime dependencies everywhere, the `bench` extra only guarded"
    guarded = _guarded_imports(source)
    return _undeclared(_top_imports(source) - guarded, _declared()) + _undeclared(guarded, _declared("bench"))


def test_package_imports_only_declared_dependencies():
    bad = {f.name: _undeclared_in(f.read_text()) for f in sorted((ROOT / "scvi_nb").glob("*.py"))}
    bad = {k: v for k, v in bad.items() if v}
    assert not bad, f"scvi_nb imports what [project] dependencies do not name (a user's pip install lacks it): {bad}"


def test_undeclared_import_is_caught():
    "The check above can fail: nbdev (a dev tool) is not a runtime dependency; the bench extra only inside a guard"
    assert _undeclared({"nbdev", "numpy"}, _declared()) == ["nbdev (from ['nbdev'])"]
    guard = "def f():\n    try:\n        import {}\n    except ImportError as e:\n        raise ImportError('pip install scvi-nb[bench]') from e"
    assert _undeclared_in(guard.format("scib_metrics")) == []                          # an optional extra, guarded
    assert _undeclared_in("import scib_metrics") == ["scib_metrics (from ['scib-metrics'])"]       # at import time
    assert _undeclared_in("def f():\n    import scib_metrics") == ["scib_metrics (from ['scib-metrics'])"]   # unguarded
    assert _undeclared_in(guard.format("nbdev")) == ["nbdev (from ['nbdev'])"]           # guarded, but in no such extra


def _tutorial_code(nb: Path) -> str:
    cells = json.loads(nb.read_text())["cells"]
    lines = [l for c in cells if c["cell_type"] == "code" for l in "".join(c["source"]).splitlines()]
    return "\n".join(l for l in lines if not l.lstrip().startswith(("%", "!")))


def test_tutorials_import_what_their_colab_cell_installs():
    for nb in sorted((NBS / "tutorials").glob("*.ipynb")):
        code = _tutorial_code(nb)
        m = re.search(r'"scvi-nb\[(tutorials(?:,bench)?)\] @ git\+', code)
        assert m and "google.colab" in code, f"{nb.name}: no Colab install cell for scvi-nb[tutorials] (or [tutorials,bench])"
        extras = m.group(1).split(",")
        assert "scib_benchmark" not in code or "bench" in extras, f"{nb.name} calls scib_benchmark: install scvi-nb[tutorials,bench]"
        bad = _undeclared(_top_imports(code), _declared(*extras), allowed=COLAB)
        assert not bad, f"{nb.name} imports what `pip install scvi-nb[{m.group(1)}]` does not install: {bad}"


# --- layers: data -> nn -> model -> train -> de -> api -> metrics/benchmark/cli, no module importing one that imports it back
def _scvi_edges(source: str, modules: set, reexports: dict) -> set:
    "The scvi_nb modules that `source` imports: `from .x import`, `import scvi_nb.x`, `from scvi_nb import x`, in function bodies too"
    out = set()
    for n in ast.walk(ast.parse(source)):
        if isinstance(n, ast.Import):
            out |= {a.name.split(".")[1] for a in n.names if a.name.startswith("scvi_nb.")}
        elif isinstance(n, ast.ImportFrom) and (n.level == 1 or (n.module or "").split(".")[0] == "scvi_nb"):
            parts = (n.module or "").split(".")[0 if n.level else 1:]
            if parts and parts[0]: out.add(parts[0])                     # from .x import y, from scvi_nb.x import y
            else: out |= {a.name if a.name in modules else reexports.get(a.name) for a in n.names}   # from . / scvi_nb import x
    return {m for m in out if m in modules}


def _find_cycle(graph: dict):
    "A list of modules [a, b, ..., a] that import each other in a circle, or None"
    state, stack = {}, []
    def visit(u):
        state[u] = "open"; stack.append(u)
        for v in sorted(graph.get(u, ())):
            if state.get(v) == "open": return stack[stack.index(v):] + [v]
            if v not in state and (cycle := visit(v)): return cycle
        state[u] = "done"; stack.pop()
    for u in sorted(graph):
        if u not in state and (cycle := visit(u)): return cycle
    return None


def _module_graph() -> dict:
    "module -> the scvi_nb modules it imports. `import scvi_nb` (the package, run by Python before any of its modules"
    "anyway) is no edge; a name the package re-exports (`from scvi_nb import SCVI`) is an edge to the module defining it"
    pkg = ROOT / "scvi_nb"
    modules = {p.stem for p in pkg.glob("*.py")} - {"__init__"}
    reexports = {a.asname or a.name: n.module for n in ast.walk(ast.parse((pkg / "__init__.py").read_text()))
                 if isinstance(n, ast.ImportFrom) and n.level == 1 and n.module for a in n.names}
    return {m: _scvi_edges((pkg / f"{m}.py").read_text(), modules, reexports) - {m} for m in sorted(modules)}


def _reach(graph: dict, start: str) -> set:
    seen, todo = set(), [start]
    while todo:
        for v in graph.get(todo.pop(), ()):
            if v not in seen: seen.add(v); todo.append(v)
    return seen


def test_module_graph_has_no_cycle():
    g = _module_graph()
    assert {"model", "train", "de", "data"} <= g["api"], g["api"]          # the parser sees the real imports
    cycle = _find_cycle(g)
    assert cycle is None, f"scvi_nb modules import each other in a circle: {' -> '.join(cycle)}"
    for low in ("metrics", "de"):                                          # statistics of arrays: no model below them
        assert not _reach(g, low) & {"model", "train", "api"}, f"{low} reaches {_reach(g, low)}"


def test_module_cycle_is_caught():
    "The check above can fail: a circle through a relative import, an import inside a function and a re-exported name"
    src = {"a": "from .b import f", "b": "def g():\n    import scvi_nb.c.sub", "c": "from scvi_nb import A", "d": "import scvi_nb"}
    g = {m: _scvi_edges(s, set(src), {"A": "a"}) for m, s in src.items()}
    assert g == {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}, g
    assert _find_cycle(g) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


# --- outside this workshop: links that resolve, Colab cells in step with pyproject, GitHub's CI without local data ----
import importlib.util as _ilu


def _tool(name):
    spec = _ilu.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    mod = _ilu.module_from_spec(spec); spec.loader.exec_module(mod)
    return mod


def _site_pages() -> set:
    "The documentation site's pages: one per notebook in nbs/ (scratch notebooks excepted), .ipynb -> .html"
    return {p.relative_to(NBS).with_suffix(".html").as_posix() for p in NBS.rglob("*.ipynb")
            if not any(part.startswith(("_", ".")) for part in p.relative_to(NBS).parts)}


def broken_links(text: str, base: Path) -> list:
    "Links in markdown `text` (relative ones read from the folder `base`) that lead nowhere in the repository or the site"
    readme = _tool("make_readme")
    site, repo, raw = readme.site_urls()
    bad = []
    for m in readme._LINK.finditer(text):
        url = m.group(3).split("#")[0]
        if not url or url.startswith(("mailto:",)): continue
        if url.startswith(site + "/") or url == site:
            page = url[len(site):].strip("/") or "index.html"
            if page not in _site_pages(): bad.append(f"{m.group(3)}: no such page on the site")
        elif url.startswith(raw + "/"):
            if not (ROOT / url[len(raw) + 1:]).exists(): bad.append(f"{m.group(3)}: no such file in the repository")
        elif url.startswith(repo + "/blob/") or url.startswith(repo + "/tree/"):
            parts = url[len(repo) + 1:].split("/", 2)                    # blob|tree, branch, path
            if len(parts) < 3 or not (ROOT / parts[2]).exists(): bad.append(f"{m.group(3)}: no such file in the repository")
        elif re.match(r"^[a-z][a-z0-9+.-]*:", url): continue                         # another site: not ours to check
        elif not (base / url).exists(): bad.append(f"{m.group(3)}: no such file beside {base.relative_to(ROOT)}")
    return bad


def test_readme_and_index_links_resolve():
    readme = (ROOT / "README.md").read_text()
    assert not [u for u in re.findall(r"\]\(([^)\s]+)\)", readme) if not re.match(r"^[a-z]+:|^#", u)], \
        "README.md has relative links: PyPI and GitHub cannot follow them (tools/make_readme.py makes them absolute)"
    assert not broken_links(readme, ROOT), broken_links(readme, ROOT)
    index = "\n".join(c["source"] if isinstance(c["source"], str) else "".join(c["source"])
                      for c in json.loads((NBS / "index.ipynb").read_text())["cells"] if c["cell_type"] == "markdown")
    assert not broken_links(index, NBS), broken_links(index, NBS)


def test_link_check_can_fail():
    site, repo, raw = _tool("make_readme").site_urls()
    text = (f"[a]({site}/tutorials/cortex.html) [b]({site}/tutorials/nowhere.html) [c]({raw}/README_files/missing.png) "
            f"[d]({repo}/blob/main/benchmarks/README.md) [e]({repo}/blob/main/no/such.py) [f](tutorials/scanvi.ipynb) "
            f"[g](tutorials/gone.ipynb) [h](https://scvi-tools.org) [i]({site}/)")
    got = broken_links(text, NBS)
    assert [g.split(":")[0] + ":" + g.split(":")[1] if g.startswith("http") else g.split(":")[0] for g in got] == \
        [f"{site}/tutorials/nowhere.html", f"{raw}/README_files/missing.png", f"{repo}/blob/main/no/such.py", "tutorials/gone.ipynb"], got
    made = _tool("make_readme").absolute_links("[x](tutorials/pbmc.ipynb#umap) ![y](README_files/f.png) [z](../benchmarks/README.md) [w](https://a.b)")
    assert made == (f"[x]({site}/tutorials/pbmc.html#umap) ![y]({raw}/README_files/f.png) "
                    f"[z]({repo}/blob/main/benchmarks/README.md) [w](https://a.b)"), made


def test_colab_cells_install_the_declared_repository():
    "Each tutorial's badge and install cell name the repository of [project.urls] (tools/sync_colab.py keeps them so)"
    sync = _tool("sync_colab")
    repo = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]["Repository"].rstrip("/")
    assert sync.expected(NBS / "tutorials" / "cortex.ipynb") == (
        f"https://colab.research.google.com/github/{repo.split('github.com/')[1]}/blob/main/nbs/tutorials/cortex.ipynb", repo)
    problems = [p for nb in sorted((NBS / "tutorials").glob("*.ipynb")) for p in sync.sync(nb, write=False)]
    assert not problems, "run `python tools/sync_colab.py`:\n" + "\n".join(problems)


def test_colab_check_can_fail(tmp_path):
    sync = _tool("sync_colab")
    src = (NBS / "tutorials" / "cortex.ipynb").read_text().replace("git+https://github.com/", "git+https://example.org/")
    nb = NBS / "tutorials" / "_colab_probe.ipynb"                     # scratch name: skipped by every other test
    try:
        nb.write_text(src)
        assert any("installs from https://example.org/" in p for p in sync.sync(nb, write=True))
        assert sync.sync(nb, write=False) == []                       # rewritten in step
    finally:
        nb.unlink(missing_ok=True)


def test_github_workflows_need_no_local_data():
    "GitHub's CI and the docs build use the loaders' downloads, cached between runs, never a local copy"
    wf = {p.name: yaml.safe_load(p.read_text()) for p in (ROOT / ".github" / "workflows").glob("*.yaml")}
    for name, w in wf.items():
        assert "SCVI_NB_DATA" not in json.dumps(w), f"{name} sets SCVI_NB_DATA: GitHub has no local copy of the data"
    steps = wf["test.yaml"]["jobs"]["test"]["steps"]
    cache = [s for s in steps if str(s.get("uses", "")).startswith("actions/cache")]
    assert cache and cache[0]["with"]["path"] == "~/.cache/scvi_nb" and "hashFiles('nbs/01b_datasets.ipynb')" in cache[0]["with"]["key"]
    assert any(s.get("run", "").strip() == "pytest" for s in steps)
