"""Reading submissions: every malformed file gets a clear reason, every readable one its code cells."""

import json
import zipfile

import nbformat
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from autograder.submission.load import LoadError, load_submission, split_script, transform_ipython


def notebook(*sources, version=4):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nb.cells.insert(0, nbformat.v4.new_markdown_cell("# title"))
    return nbformat.writes(nb, version=version)


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return path


def test_code_cells_in_order_markdown_skipped(tmp_path):
    sub = load_submission(write(tmp_path, "a.ipynb", notebook("x = 1", "def f():\n    return x")))
    assert sub.cells == ["x = 1", "def f():\n    return x"]
    assert sub.filename == "a.ipynb" and sub.stem == "a"


def test_nbformat_3_is_read(tmp_path):
    v3 = {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [
        {"cells": [{"cell_type": "code", "input": "y = 2", "language": "python", "outputs": []},
                   {"cell_type": "markdown", "source": "text"}]}]}
    assert load_submission(write(tmp_path, "v3.ipynb", json.dumps(v3))).cells == ["y = 2"]


def test_otter_ignore_cells_are_skipped(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("a = 1"), nbformat.v4.new_code_cell("grader.export()")]
    nb.cells[1].metadata["tags"] = ["otter_ignore"]
    assert load_submission(write(tmp_path, "t.ipynb", nbformat.writes(nb))).cells == ["a = 1"]


def test_ipython_syntax_becomes_python():
    out = transform_ipython("%matplotlib inline\n!pip install numpy\nx = 1\n")
    compile(out, "<cell>", "exec")
    assert "x = 1" in out and "get_ipython()" in out
    assert transform_ipython("x = 1\n") == "x = 1\n"
    compile(transform_ipython("%%time\nx = sum(range(3))\n"), "<cell>", "exec")


@pytest.mark.parametrize("data, reason", [
    (b"", "empty"),
    (b"   \n", "empty"),
    (b'{"cells": [', "not valid notebook JSON"),
    (b"[1, 2, 3]", "not a Jupyter notebook"),
    (b'{"hello": "world"}', "not a Jupyter notebook"),
    (b"\x00\x01\x02\x89PNG binary", "binary"),
    (b"[" * 100000 + b"]" * 100000, "nested too deeply"),
])
def test_unreadable_notebooks_get_a_reason(tmp_path, data, reason):
    with pytest.raises(LoadError, match=reason):
        load_submission(write(tmp_path, "bad.ipynb", data))


def test_too_large_file(tmp_path):
    path = tmp_path / "huge.ipynb"
    with path.open("wb") as f:
        f.truncate(41 * 1024 * 1024)
    with pytest.raises(LoadError, match="limit is 40 MB"):
        load_submission(path)


def test_thirty_megabyte_notebook_with_outputs_is_read(tmp_path):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("z = 3")
    cell.outputs = [nbformat.v4.new_output("stream", text="x" * (30 * 1024 * 1024))]
    nb.cells = [cell]
    assert load_submission(write(tmp_path, "big.ipynb", nbformat.writes(nb))).cells == ["z = 3"]


def test_non_utf8_bytes_are_replaced_with_a_note(tmp_path):
    sub = load_submission(write(tmp_path, "s.py", b"x = '\xff\xfe'\ndef f():\n    return 1\n"))
    assert any("not valid UTF-8" in w for w in sub.warnings)
    assert any("def f" in c for c in sub.cells)


def test_zip_with_one_notebook(tmp_path):
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hw.ipynb", notebook("q = 5"))
        zf.writestr("__MACOSX/._hw.ipynb", b"junk")
    sub = load_submission(path)
    assert sub.cells == ["q = 5"] and sub.filename == "hw.ipynb"


def test_zip_problems(tmp_path):
    two = tmp_path / "two.zip"
    with zipfile.ZipFile(two, "w") as zf:
        zf.writestr("a.ipynb", notebook("a = 1"))
        zf.writestr("b.ipynb", notebook("b = 1"))
    with pytest.raises(LoadError, match="exactly one notebook"):
        load_submission(two)
    with pytest.raises(LoadError, match="not a valid zip"):
        load_submission(write(tmp_path, "fake.zip", b"PK not really"))


def test_script_split_into_statements_keeps_line_numbers():
    src = "import numpy as np\n\n@staticmethod\ndef f():\n    return 1\n\nx = f\n"
    chunks = split_script(src)
    assert len(chunks) == 3
    assert chunks[1].splitlines()[2] == "@staticmethod"


def test_script_with_syntax_error_keeps_the_other_definitions():
    src = "import numpy as np\n\ndef broken(:\n    pass\n\ndef good():\n    return 2\n"
    chunks = split_script(src)
    ok = []
    for c in chunks:
        try:
            compile(c, "<c>", "exec")
            ok.append(c)
        except SyntaxError:
            pass
    assert any("def good" in c for c in ok) and any("import numpy" in c for c in ok)


@settings(max_examples=300, deadline=None)
@given(st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30)),
                    lambda inner: st.one_of(st.lists(inner, max_size=4),
                                            st.dictionaries(st.sampled_from(
                                                ["cells", "cell_type", "source", "metadata", "tags", "worksheets",
                                                 "input", "code", "nbformat", "outputs"]), inner, max_size=5)),
                    max_leaves=30))
@example(doc={"cells": None, "worksheets": [{"cells": True}]})  # found once: non-list worksheet cells
def test_any_json_loads_or_fails_with_load_error(tmp_path_factory, doc):
    path = tmp_path_factory.mktemp("j") / "n.ipynb"
    path.write_text(json.dumps(doc))
    try:
        sub = load_submission(path)
    except LoadError as exc:
        assert str(exc)
    else:
        assert all(isinstance(c, str) for c in sub.cells)
