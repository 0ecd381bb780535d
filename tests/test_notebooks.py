"""Every notebook is a test: each one in nbs/ (scratch notebooks starting with `_` excepted) runs here as one pytest
test through nbdev's own notebook runner, so pytest prints the closing count of passed and failed notebooks.

Cells flagged `#| slow` or `#| cuda` are skipped unless `SCVI_NB_TEST_FLAGS` names them,
e.g. `SCVI_NB_TEST_FLAGS="slow cuda" pytest` (the same as `nbdev-test --flags "slow cuda"`)."""
import os
from pathlib import Path

import pytest
import torch
from nbdev.config import get_config
from nbdev.test import test_nb as _run_notebook

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT / "nbs"

# Torch's intra-op threads busy-wait: more threads than free cores slows every op by orders of magnitude (measured
# 0.28 s vs 68 s for one Cortex epoch with 2 threads while another process held a core). One thread per test
# process unless SCVI_NB_THREADS says otherwise.
torch.set_num_threads(int(os.environ.get("SCVI_NB_THREADS", "1")))


def _notebooks():
    return sorted(p for p in NBS.rglob("*.ipynb")
                  if not any(part.startswith(("_", ".")) for part in p.relative_to(NBS).parts))


@pytest.mark.parametrize("nb", _notebooks(), ids=lambda p: str(p.relative_to(NBS)))
def test_notebook(nb):
    cfg = get_config(ROOT)
    skip = cfg.tst_flags.split() if isinstance(cfg.tst_flags, str) else list(cfg.tst_flags)
    force = os.environ.get("SCVI_NB_TEST_FLAGS", "").split()
    ok, secs = _run_notebook(nb, skip_flags=skip, force_flags=force, basepath=ROOT, cell_timeout=cfg.cell_timeout)
    print(f"{nb.relative_to(NBS)}: {secs:.1f}s")
    assert ok, f"{nb.relative_to(NBS)} raised in a cell (traceback above)"
