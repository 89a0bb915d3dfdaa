"""Presets: named scenarios shipped as experiment files in ``resources/presets/``.

``resolve(name_or_path)`` is what the CLI and the GUI call: a preset name, or the path of an
experiment file.
"""
from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

from ..io.reading import is_file
from .experiment import Experiment, ExperimentError, load_experiment


def resources_dir() -> Path:
    """gdlab's shipped files (presets/, lessons/, icons/): the package ``gdlab.resources``, found
    only through :func:`importlib.resources.files`, so no other package's ``resources`` folder can
    stand in for it. In the source tree that package is the top-level ``resources/`` folder (mapped
    by pyproject.toml in an install, by :mod:`gdlab` itself in a checkout or a frozen app)."""
    root = files("gdlab.resources")
    if not isinstance(root, Path):  # installed inside a zip file: the files have no path to open
        raise FileNotFoundError("gdlab's resources are not files on disk in this installation")
    return root


def presets_dir() -> Path:
    return resources_dir() / "presets"


def preset_names() -> list[str]:
    """Preset names in a stable order (the order lessons go: 1-D, 2-D, networks)."""
    order = {name: i for i, name in enumerate(_ORDER)}
    names = [p.stem for p in presets_dir().glob("*.json")]
    return sorted(names, key=lambda n: (order.get(n, len(order)), n))


def load_preset(name: str) -> Experiment:
    path = presets_dir() / f"{name}.json"
    if not path.is_file():
        raise ExperimentError("", f"no preset named {name!r}; presets: {', '.join(preset_names())}")
    return load_experiment(path)


def resolve(name_or_path: str | os.PathLike, base: str | os.PathLike | None = None) -> Experiment:
    """A preset by name, or an experiment file by path; a relative path is taken from ``base``
    (a lesson's folder, say) when given, else from the working directory."""
    text = os.fspath(name_or_path)
    if "/" not in text and os.sep not in text and is_file(presets_dir() / f"{text}.json"):
        return load_preset(text)
    path = Path(text)
    if base is not None and not path.is_absolute():
        path = Path(base) / path
    if is_file(path):
        return load_experiment(path)
    where = f" in {os.fspath(base)}" if base is not None else ""
    raise ExperimentError("", f"{text!r} is neither a preset nor an experiment file{where}; presets: "
                          f"{', '.join(preset_names())}")


_ORDER = ("lr-too-small", "lr-just-right", "lr-too-large", "lr-divergent", "local-minimum", "saddle-point",
          "optimizer-race", "xor", "spiral-deep", "vanishing-gradients", "iris", "digits")
