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


def test_package_imports_only_declared_dependencies():
    declared = _declared()
    bad = {f.name: _undeclared(_top_imports(f.read_text()), declared) for f in sorted((ROOT / "scvi_nb").glob("*.py"))}
    bad = {k: v for k, v in bad.items() if v}
    assert not bad, f"scvi_nb imports what [project] dependencies do not name (a user's pip install lacks it): {bad}"


def test_undeclared_import_is_caught():
    "The check above can fail: nbdev (a dev tool) is not a runtime dependency"
    assert _undeclared({"nbdev", "numpy"}, _declared()) == ["nbdev (from ['nbdev'])"]


def _tutorial_code(nb: Path) -> str:
    cells = json.loads(nb.read_text())["cells"]
    lines = [l for c in cells if c["cell_type"] == "code" for l in "".join(c["source"]).splitlines()]
    return "\n".join(l for l in lines if not l.lstrip().startswith(("%", "!")))


def test_tutorials_import_what_their_colab_cell_installs():
    declared = _declared("tutorials")
    for nb in sorted((NBS / "tutorials").glob("*.ipynb")):
        code = _tutorial_code(nb)
        assert '"scvi-nb[tutorials] @ git+' in code and "google.colab" in code, f"{nb.name}: no Colab install cell"
        bad = _undeclared(_top_imports(code), declared, allowed=COLAB)
        assert not bad, f"{nb.name} imports what `pip install scvi-nb[tutorials]` does not install: {bad}"
