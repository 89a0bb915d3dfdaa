"""Presets: named scenarios shipped as experiment files in ``resources/presets/``.

``resolve(name_or_path)`` is what the CLI and the GUI call: a preset name, or the path of an
experiment file.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from .experiment import Experiment, ExperimentError, load_experiment


def resources_dir() -> Path:
    """The ``resources/`` folder (beside the package in a checkout or editable install; in a
    PyInstaller bundle, where packaging/gdlab.spec puts it under ``sys._MEIPASS``)."""
    here = Path(__file__).resolve()
    bundle = getattr(sys, "_MEIPASS", None)
    frozen = (Path(bundle) / "resources",) if bundle else ()
    for candidate in (*frozen, here.parents[2] / "resources", here.parents[1] / "resources"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("gdlab's resources folder is missing from this installation")


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


def resolve(name_or_path: str | os.PathLike) -> Experiment:
    """A preset by name, or an experiment file by path."""
    text = os.fspath(name_or_path)
    if (presets_dir() / f"{text}.json").is_file() and os.sep not in text:
        return load_preset(text)
    path = Path(text)
    if path.exists():
        return load_experiment(path)
    raise ExperimentError("", f"{text!r} is neither a preset nor an experiment file; presets: "
                          f"{', '.join(preset_names())}")


_ORDER = ("lr-too-small", "lr-just-right", "lr-too-large", "lr-divergent", "local-minimum", "saddle-point",
          "optimizer-race", "xor", "spiral-deep", "vanishing-gradients")
