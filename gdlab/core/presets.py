"""Presets: named scenarios shipped as experiment files in ``resources/presets/``.

``resolve(name_or_path)`` is what the CLI and the GUI call: a preset name, or the path of an
experiment file.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from .experiment import Experiment, ExperimentError, load_experiment
from .reading import is_file


def resources_dir() -> Path:
    """The ``resources/`` folder (beside the package in a checkout or editable install; in a
    PyInstaller bundle, where packaging/gdlab.spec puts it under ``sys._MEIPASS``)."""
    here = Path(__file__).resolve()
    bundle = getattr(sys, "_MEIPASS", None)
    frozen: tuple[Path, ...] = (Path(bundle) / "resources",) if bundle else ()
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
          "optimizer-race", "xor", "spiral-deep", "vanishing-gradients")
