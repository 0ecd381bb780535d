"""The documentation pages render and show what a reader needs (tools/render_docs.py): every notebook converts to HTML
from its stored outputs, every cell that prints, displays or plots is stored with its output, every tutorial shows at
least one image, no stored output is an error, every decimal number of the prose is printed on its page or has its
source named, no page speaks of builds, lanes or local files, and the pages hide what nbdev and Quarto hide. Quarto builds the real
site in the GitHub workflow; this is the check that runs everywhere."""
import importlib.util
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("render_docs", ROOT / "tools" / "render_docs.py")
render_docs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(render_docs)
new_code, new_output = nbformat.v4.new_code_cell, nbformat.v4.new_output


def test_docs_render(tmp_path):
    problems = render_docs.render_docs(out_dir=tmp_path)
    assert not problems, f"{len(problems)} problem(s) in the docs:\n" + "\n".join(problems)
    pages = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.html"))
    assert len(pages) == len(render_docs.notebooks()) > 0


def _nb(path, outputs=(), source="x = 1 + 1", cells=None):
    "A notebook with a title and one code cell (or the given `cells`)"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# A page")] + (cells or [new_code(source, outputs=list(outputs))])
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


_PNG = new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"})
_ERR = new_output("error", ename="ValueError", evalue="boom", traceback=["ValueError: boom"])
_STDOUT = lambda text: new_output("stream", name="stdout", text=text)


def test_render_docs_finds_problems(tmp_path):
    "The checker itself: a tutorial without images and a stored traceback are reported; scratch notebooks are skipped"
    _nb(tmp_path / "00_core.ipynb", [_ERR])
    _nb(tmp_path / "tutorials" / "good.ipynb", [_PNG])
    _nb(tmp_path / "tutorials" / "bare.ipynb")
    _nb(tmp_path / "_scratch.ipynb", [_ERR], source="print(1)")
    problems = render_docs.render_docs(tmp_path, out_dir=tmp_path / "html")
    assert len(problems) == 2, problems
    assert "00_core.ipynb: stored error output in cell 1: ValueError: boom" in problems[0]
    assert problems[1].startswith("tutorials/bare.ipynb: tutorial page without any image output")
    assert (tmp_path / "html" / "tutorials" / "good.html").exists()
    assert render_docs.main(["--nbs", str(tmp_path)]) == 1


def test_cells_that_show_something_need_stored_outputs(tmp_path):
    "A printing, displaying or plotting cell stored without output is reported with notebook, cell index and first line"
    cells = [new_code("y = 2\nprint(y)"),                                      # 1: prints
             new_code("import numpy as np\nhist = np.arange(5)\nhist[-3:]"),  # 2: bare expression last
             new_code("fig, ax = plt.subplots()\nax.plot([1, 2])"),            # 3: plots
             new_code("for k in range(2):\n    display(k)"),                   # 4: displays in a loop
             new_code("z = 3"),                                               # 5: assignment: nothing to show
             new_code("import math"),                                          # 6: import
             new_code("test_eq(1, 1)\ntest_close(1.0, 1.0)"),                  # 7: tests
             new_code("assert 1 + 1 == 2"),                                    # 8: assert
             new_code("def f():\n    print('hi')\n    return 1"),             # 9: print inside a def
             new_code("#| hide\nprint('secret')"),                              # 10: hidden
             new_code("#| export\nclass A: pass"),                              # 11: exported
             new_code("plt.plot([1, 2]);"),                                    # 12: still a plot, ';' or not
             new_code("x = [1]\nx.append(2)"),                                 # 13: a call that returns None
             new_code("w = 1\nw;"),                                            # 14: ';' suppresses the display
             new_code("print('has it')", outputs=[_STDOUT("has it\n")])]       # 15: stored: fine
    _nb(tmp_path / "01_page.ipynb", cells=cells)
    problems = render_docs.render_docs(tmp_path, out_dir=tmp_path / "html")
    assert [p.split(" (")[0] for p in problems] == [f"01_page.ipynb: cell {i}" for i in (1, 2, 3, 4, 12)], problems
    assert problems[0] == "01_page.ipynb: cell 1 (`y = 2`) is stored without output, but it calls print (line 2: `print(y)`)"
    assert "`import numpy as np`" in problems[1] and "last expression (line 3: `hist[-3:]`)" in problems[1]
    assert "it draws a figure" in problems[2] and "it calls display" in problems[3]
    # the same cells with their outputs stored: no problem
    for c in (cells[i - 1] for i in (1, 2, 3, 4, 12)): c.outputs = [_STDOUT("ok\n")]
    _nb(tmp_path / "01_page.ipynb", cells=cells)
    assert render_docs.render_docs(tmp_path) == []


def test_flagged_cells_need_outputs_only_where_the_notebook_stores_a_run_of_them(tmp_path):
    "A `#| slow` cell without output is fine when no slow cell has a stored run, reported when another one has"
    slow_bare = new_code("#| slow\nprint('slow result')")
    _nb(tmp_path / "02_a.ipynb", cells=[slow_bare, new_code("print(1)", outputs=[_STDOUT("1\n")])])
    assert render_docs.render_docs(tmp_path) == []
    slow_run = new_code("#| slow\nprint('ran')", outputs=[_STDOUT("ran\n")])
    _nb(tmp_path / "02_a.ipynb", cells=[slow_bare, slow_run])
    assert render_docs.render_docs(tmp_path) == [
        "02_a.ipynb: cell 1 (`print('slow result')`) is stored without output, but it calls print (line 2: `print('slow result')`)"]


def test_pages_hide_what_the_site_hides(tmp_path):
    "`#| hide` cells vanish, `#| echo: false` shows its output without its source, and directive lines are not shown"
    cells = [new_code("#| hide\nhidden_marker_1 = 1"),
             new_code("#| echo: false\nprint('echo_marker_2')", outputs=[_STDOUT("output_of_echo_false\n")]),
             new_code("#| export\ndef exported_marker_3(): pass"),
             new_code("#| slow\nshown_marker_4 = 4"),
             new_code("show_doc(shown_marker_4)", outputs=[_STDOUT("showdoc_output_5\n")])]
    _nb(tmp_path / "03_b.ipynb", cells=cells)
    assert render_docs.render_docs(tmp_path, out_dir=tmp_path / "html") == []
    page = (tmp_path / "html" / "03_b.html").read_text()
    assert "hidden_marker_1" not in page and "exported_marker_3" not in page    # hidden and exported cells: dropped
    assert "output_of_echo_false" in page and "echo_marker_2" not in page       # echo: false: output, no source
    assert "shown_marker_4" in page and "slow" not in page and "#|" not in page  # directives stripped from sources
    assert "showdoc_output_5" in page and "show_doc(" not in page                 # show_doc: output only
    assert "A page" in page


# --- the prose quotes only what the page prints; the page speaks to its reader --------------------------------------
new_md = nbformat.v4.new_markdown_cell


def _page(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return nb


def _printing(text): return new_code("print(x)", outputs=[_STDOUT(text)])


def test_prose_numbers_must_be_printed_on_the_page(tmp_path):
    "A decimal in the prose must be printed above it at the prose's rounding; code, math and versions are not prose"
    nb = _page(_printing("coverage 0.89812 ELBO -1303.24 share 0.0416 mae 0.9043\n"),
               new_md("Coverage is 0.898 and the ELBO −1303.2. MALAT1 gets zeros in 4.2% of the cells.\n\n"
                      "The MAE is 0.90 (0.9043 at three decimals); its share 3.9% is printed nowhere."),
               new_md("Code `lr=6e-3, p=0.123` and math $\\sigma = 0.777$ and scvi-tools 1.4.2 are not claims; 2,638 cells."))
    found = render_docs.unprinted_numbers(nb, tmp_path, tmp_path)
    assert [(i, n) for i, n, _ in found] == [(1, "3.9%")], found
    nb.cells[1].source += " The NMI is 0.731."
    assert [n for _, n, _ in render_docs.unprinted_numbers(nb, tmp_path, tmp_path)] == ["3.9%", "0.731"]
    # a number printed only by a cell below the prose that quotes it is not yet printed for its reader
    nb.cells.append(_printing("NMI 0.7312\n"))
    assert [n for _, n, _ in render_docs.unprinted_numbers(nb, tmp_path, tmp_path)] == ["3.9%", "0.731"]
    nb.cells.insert(1, nb.cells.pop())
    assert [n for _, n, _ in render_docs.unprinted_numbers(nb, tmp_path, tmp_path)] == ["3.9%"]
    # without any output, every decimal of the prose is reported, the sentence with it
    bare = _page(new_md("Coverage is 0.898. Tables too:\n\n| a | b |\n|---|---|\n| 0.5 | 1.25 |"))
    assert [(n, s[:11]) for _, n, s in render_docs.unprinted_numbers(bare, tmp_path, tmp_path)] == [
        ("0.898", "Coverage is"), ("0.5", "Tables too:"), ("1.25", "Tables too:")]


def test_prose_numbers_may_name_their_source(tmp_path):
    "A number from elsewhere is fine when its sentence (or its table's caption) names the source, and a cited file holds it"
    (tmp_path / "benchmarks").mkdir()
    (tmp_path / "benchmarks" / "README.md").write_text("| cortex | -1256.3 | 0.687 |\n")
    nb = _page(new_md("Lopez et al. (2018) report ARI ≈ 0.78 on Cortex. The paper reports NMI 0.74; but the paper's setting differs."),
                new_md("scvi-tools reaches −1256.3 (`benchmarks/README.md`). Its ARI is 0.69 (benchmarks/README.md)."),
                new_md("From `benchmarks/README.md`:\n\n| data | ARI |\n|---|---|\n| cortex | 0.687 |"),
                new_md("scvi-tools reaches −1299.9 (`benchmarks/README.md`). Another sentence: 0.555."),
                new_md("Measured in `benchmarks/missing.py`: 0.444."),
                new_md("Not the paper's experiment, so: 0.691."))
    found = [(i, n) for i, n, _ in render_docs.unprinted_numbers(nb, tmp_path, tmp_path)]
    # 1299.9 is not in the cited file; 0.555's sentence names nothing; the cited script does not exist; a sentence that
    # mentions the paper's setting names no source
    assert found == [(3, "1299.9"), (3, "0.555"), (4, "0.444"), (5, "0.691")], found


def test_reader_pages_name_no_builds_lanes_or_local_files(tmp_path):
    "Build numbers, test lanes, DESIGN.md, missing repository files and local paths are reported, once per cell and kind"
    (tmp_path / "benchmarks").mkdir()
    (tmp_path / "benchmarks" / "compare.py").write_text("")
    warn = new_output("stream", name="stderr", text="/work/main/.venv/lib/python3.11/site-packages/pyro/x.py:1: Warn\n"
                                                       "/work/main/.venv/lib/python3.11/site-packages/y.py:2: Warn\n")
    nb = _page(new_md("Build 8 asked this; the default lane is short (`DESIGN.md`)."),
               new_md("See `benchmarks/compare.py` and `benchmarks/scratch.py`; `config.json` is written by save."),
               new_code("fit()", outputs=[warn]),
               new_md("Run `python -m venv .venv && . .venv/bin/activate`; no build of yours is named here."))
    found = [(i, w.split(" (")[0]) for i, w, _ in render_docs.maintainer_words(nb, tmp_path, tmp_path)]
    assert found == [(0, "a build number"), (0, "test lanes"), (0, "DESIGN.md, which is not in the repository"),
                     (1, "a file the repository does not have"), (2, "a local path in a stored output")], found
    tqdm = new_output("stream", name="stderr", text="/work/main/.venv/lib/python3.11/site-packages/tqdm/auto.py:21: "
                      "TqdmWarning: IProgress not found. Please update jupyter and ipywidgets.\n")
    (_, what, _), = render_docs.maintainer_words(_page(new_code("import scvi_nb.api", outputs=[tqdm])), tmp_path, tmp_path)
    assert what.startswith("a local path in a stored output (TqdmWarning: IProgress not found;") and "hidden set-up cell" in what, what


def test_render_docs_reports_prose_problems(tmp_path):
    "The prose checks are part of the docs check, each problem naming page, cell and the sentence"
    nb = _page(new_md("# A page"), new_md("The ARI is 0.731 in this build."), _printing("ARI 0.731\n"))
    nbformat.write(nb, tmp_path / "05_x.ipynb")
    problems = render_docs.render_docs(tmp_path)
    assert problems == ['05_x.ipynb: cell 1: the prose quotes 0.731, which no stored output above it prints and whose '
                        'sentence names no source: "The ARI is 0.731 in this build."',
                        '05_x.ipynb: cell 1 names the project\'s builds: "The ARI is 0.731 in this build."'], problems
