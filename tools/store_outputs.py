"""Execute notebooks in place and store their outputs, `#| slow` cells included, the cells of other flags skipped.

    python tools/store_outputs.py nbs/tutorials/pbmc.ipynb [more.ipynb ...] [--skip-flags cuda]

`nbdev-test` runs notebooks without storing what they print, and `jupyter nbconvert --execute` runs every cell (it
stops at the first `#| cuda` cell on a machine without a GPU). This runs each notebook's cells in order in one kernel
from the notebook's folder, leaves the cells of `--skip-flags` as they are (outputs untouched), and writes the
notebook back; run `nbdev-clean` afterwards.
"""
from __future__ import annotations

import argparse
import re
from pathlib import Path

import nbformat
from nbclient import NotebookClient

FLAG = re.compile(r"^#\|\s*(\w+)\s*$")


def flags(cell) -> set[str]:
    "The tst_flags named on a cell's leading `#| flag` lines (`#| slow`, `#| cuda`)"
    out = set()
    for line in cell.source.splitlines():
        if not line.startswith("#|"): break
        m = FLAG.match(line.strip())
        if m: out.add(m.group(1))
    return out


def run(path: Path, skip: set[str], timeout: int) -> None:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    with client.setup_kernel():
        for i, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or flags(cell) & skip: continue
            client.execute_cell(cell, i)
    nbformat.write(nb, path)
    print(f"stored: {path}")


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("notebooks", nargs="+", type=Path)
    p.add_argument("--skip-flags", nargs="*", default=["cuda"])
    p.add_argument("--timeout", type=int, default=7200, help="seconds per cell")
    a = p.parse_args()
    for nb in a.notebooks: run(nb, set(a.skip_flags), a.timeout)
