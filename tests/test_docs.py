"""The documentation pages render: every notebook converts to HTML from its stored outputs, every tutorial shows at
least one image, and no stored output is an error (tools/render_docs.py). Quarto builds the real site in the GitHub
workflow; this is the check that runs everywhere."""
import importlib.util
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("render_docs", ROOT / "tools" / "render_docs.py")
render_docs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(render_docs)


def test_docs_render(tmp_path):
    problems = render_docs.render_docs(out_dir=tmp_path)
    assert not problems, "problems in the docs:\n" + "\n".join(problems)
    pages = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.html"))
    assert len(pages) == len(render_docs.notebooks()) > 0


def _nb(path, outputs=()):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# A page"), nbformat.v4.new_code_cell("1 + 1", outputs=list(outputs))]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


def test_render_docs_finds_problems(tmp_path):
    "The checker itself: a tutorial without images and a stored traceback are reported; scratch notebooks are skipped"
    png = nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"})
    err = nbformat.v4.new_output("error", ename="ValueError", evalue="boom", traceback=["ValueError: boom"])
    _nb(tmp_path / "00_core.ipynb", [err])
    _nb(tmp_path / "tutorials" / "good.ipynb", [png])
    _nb(tmp_path / "tutorials" / "bare.ipynb")
    _nb(tmp_path / "_scratch.ipynb", [err])
    problems = render_docs.render_docs(tmp_path, out_dir=tmp_path / "html")
    assert len(problems) == 2, problems
    assert "00_core.ipynb: stored error output in cell 1: ValueError: boom" in problems[0]
    assert problems[1].startswith("tutorials/bare.ipynb: tutorial page without any image output")
    assert (tmp_path / "html" / "tutorials" / "good.html").exists()
    assert render_docs.main(["--nbs", str(tmp_path)]) == 1
