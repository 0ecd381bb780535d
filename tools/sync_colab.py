"""Keep every tutorial's Colab badge and install cell pointing at the repository that pyproject.toml declares.

The repository's address is written in one place, `[project.urls] Repository`; a tutorial opened in Colab cannot read it,
so each carries a copy, and this tool rewrites the copies: the badge's link (the notebook's own path on the default
branch) and the `git+` address in the cell that installs scvi-nb. `python tools/sync_colab.py` rewrites,
`--check` exits 1 when a tutorial is out of step (tests/test_project.py runs it)."""
import re
import sys
from pathlib import Path

import nbformat
from nbdev.config import get_config

ROOT = Path(__file__).resolve().parents[1]
_BADGE = re.compile(r"https://colab\.research\.google\.com/github/[^)\s]+\.ipynb")
_INSTALL = re.compile(r'("scvi-nb\[[a-z,]+\] @ git\+)([^"]+)(")')


def expected(nb_path: Path):
    "(badge link, install address) for the notebook at `nb_path` in this repository"
    cfg = get_config(ROOT)
    rel = nb_path.resolve().relative_to(ROOT).as_posix()
    return f"https://colab.research.google.com/github/{cfg.user}/{cfg.repo}/blob/{cfg.branch}/{rel}", cfg.git_url.rstrip("/")


def sync(nb_path: Path, write: bool = True) -> list:
    "What is out of step in one tutorial (and, with `write`, fix it): a list of messages"
    nb = nbformat.read(nb_path, as_version=4)
    badge, repo = expected(nb_path)
    problems, found = [], {"badge": 0, "install": 0}
    for c in nb.cells:
        for m in _BADGE.finditer(c.source):
            found["badge"] += 1
            if m.group(0) != badge: problems.append(f"{nb_path.name}: Colab badge links {m.group(0)}, expected {badge}")
        for m in _INSTALL.finditer(c.source):
            found["install"] += 1
            if m.group(2) != repo: problems.append(f"{nb_path.name}: installs from {m.group(2)}, expected {repo}")
        c.source = _INSTALL.sub(lambda m: m.group(1) + repo + m.group(3), _BADGE.sub(badge, c.source))
    problems += [f"{nb_path.name}: no Colab {k}" for k, n in found.items() if n == 0]
    if write and problems: nbformat.write(nb, nb_path)
    return problems


def main(check=False):
    problems = [p for nb in sorted((ROOT / "nbs" / "tutorials").glob("*.ipynb")) for p in sync(nb, write=not check)]
    for p in problems: print(p)
    return 1 if check and problems else 0


if __name__ == "__main__":
    sys.exit(main(check="--check" in sys.argv))
