"""The core's subpackages stand in layers: each imports only from the layers below it (every import counted,
inside functions and under TYPE_CHECKING too), so no circle can form between them."""
from __future__ import annotations

import ast
from pathlib import Path

import gdlab.core

CORE = Path(gdlab.core.__file__).parent
# bottom to top; one layer may hold several packages that do not import each other
LAYERS = [{"io"}, {"nn", "optim", "surface", "data"}, {"params"}, {"files"}, {"run", "views"}, {"teaching"},
          {"codegen"}]
RANK = {name: i for i, layer in enumerate(LAYERS) for name in layer}
# the scripting API's old paths, kept as re-exports of the packages (README "Scripting")
SHIMS = {"network", "optimizers", "surfaces", "datasets", "gradcheck", "presets"}


def _imports(path: Path, text: str | None = None) -> set[str]:
    """The top-level names under gdlab.core that a module of the core imports."""
    rel = path.relative_to(CORE).with_suffix("").parts
    package = ["gdlab", "core", *rel[:-1]]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8") if text is None else text)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - (node.level - 1)]
                target = [*base, *(node.module.split(".") if node.module else [])]
                names = [] if node.module else [a.name for a in node.names]
            else:
                target = (node.module or "").split(".")
                names = [a.name for a in node.names] if node.module == "gdlab.core" else []
            if target[:2] == ["gdlab", "core"]:
                found.update([target[2]] if len(target) > 2 else names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[:2] == ["gdlab", "core"] and len(parts) > 2:
                    found.add(parts[2])
    return found


def test_every_core_module_belongs_to_a_layer():
    names = {p.name if p.is_dir() else p.stem for p in CORE.iterdir()
             if (p.is_dir() and (p / "__init__.py").exists()) or (p.suffix == ".py" and p.stem != "__init__")}
    assert names - SHIMS == set(RANK)


def test_each_package_imports_only_the_layers_below_it():
    wrong = []
    for path in sorted(CORE.rglob("*.py")):
        rel = path.relative_to(CORE).parts
        own = rel[0].removesuffix(".py")
        if own in SHIMS or own == "__init__":
            continue
        for name in _imports(path) - {own}:
            if name not in RANK or RANK[name] >= RANK[own]:
                wrong.append(f"{path.relative_to(CORE)} imports gdlab.core.{name}")
    assert wrong == []


def test_the_layer_check_sees_every_form_of_import():
    """The check above can fail: relative, absolute, package and function-level imports are all seen."""
    text_py = CORE / "io" / "text.py"
    assert _imports(text_py, "from ..run import training\n") == {"run"}
    assert _imports(text_py, "def f():\n    from ..teaching.worksheet import Worksheet\n") == {"teaching"}
    assert _imports(text_py, "from gdlab.core import params\nimport gdlab.core.files.experiment\n") == {
        "params", "files"}
    assert _imports(text_py, "from . import atomic\nfrom .reading import read_bounded\n") == {"io"}
