"""The README's scripting API example runs as written: its import paths are the stable API others
build on (issue 20), and what it prints is what it says it prints."""
import contextlib
import importlib
import io
import re
from pathlib import Path

import gdlab

README = Path(gdlab.__file__).resolve().parents[1] / "README.md"


def scripting_blocks(text: str) -> list[str]:
    """The ```python blocks of the README's "Scripting API" section (up to the next ``## `` heading)."""
    section = re.search(r"^## Scripting API.*?(?=^## )", text, re.S | re.M)
    assert section, "the README has a Scripting API section"
    return re.findall(r"^```python\n(.*?)^```", section.group(0), re.S | re.M)


def test_the_readme_scripting_example_runs_as_written(tmp_path, monkeypatch):
    blocks = scripting_blocks(README.read_text(encoding="utf-8"))
    assert blocks, "the Scripting API section shows its code"
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for block in blocks:
            exec(compile(block, str(README), "exec"), {"__name__": "readme"})  # noqa: S102 - the README's own code
    lines = out.getvalue().splitlines()
    assert len(lines) == 3, lines
    cost, shape = lines[0].split(" ", 1)
    assert 0 <= float(cost) < 0.1, "500 Adam steps learn xor"
    assert shape == "(200, 1)", "δ of the output layer: one row per sample"
    assert float(lines[1]) < 1e-3, "backprop agrees with finite differences"
    # Rosenbrock at (-1.5, 2): J = (1 - w1)² + 100 (w2 - w1²)² = 12.5, ∇J = (-155, -50), minimum (1, 1)
    assert lines[2].split()[0] == "12.5" and "-155." in lines[2] and "(1.0, 1.0)" in lines[2], lines[2]
    assert not list(tmp_path.iterdir()), "the example writes no files"


def test_the_example_is_found_where_the_readme_puts_it():
    text = "intro\n## Scripting API (x)\n\n```python\nprint(1)\n```\n\n```sh\nls\n```\n## Next\n```python\nno\n```\n"
    assert scripting_blocks(text) == ["print(1)\n"]


def test_every_name_the_readme_documents_imports():
    """Each `gdlab.core.module.name` the README's API list names is there: a module moved without the
    README (or a re-export dropped) fails here."""
    text = README.read_text(encoding="utf-8")
    dotted = set(re.findall(r"`(gdlab\.core(?:\.\w+)+)", text))
    assert len(dotted) > 15
    missing = []
    for path in sorted(dotted):
        parts = path.split(".")
        for cut in range(len(parts), 1, -1):  # the longest importable module, then attributes
            try:
                obj = importlib.import_module(".".join(parts[:cut]))
            except ModuleNotFoundError:
                continue
            for name in parts[cut:]:
                obj = getattr(obj, name, None)
            if obj is None:
                missing.append(path)
            break
    assert missing == []
