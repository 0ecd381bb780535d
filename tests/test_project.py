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
