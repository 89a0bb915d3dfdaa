"""gdlab, the Gradient Descent Lab: see backpropagation and gradient descent work.

`gdlab.core` holds the maths (numpy only); `gdlab.gui` is the Qt desktop app on top;
`gdlab.resources` the shipped presets, lessons and icons.
"""
import sys
from importlib.util import module_from_spec, spec_from_file_location
from pathlib import Path

__version__ = "0.1.0"


def _map_resources() -> None:
    """Make ``gdlab.resources`` importable where it is not a folder inside the package.

    A wheel installs it as ``gdlab/resources`` and an editable install maps it by itself; there
    nothing is done. In a source checkout it is the top-level ``resources/`` beside this package
    (the tree holds pyproject.toml), and in a PyInstaller bundle the ``gdlab/resources`` folder that
    packaging/gdlab.spec copies as data: either is registered here as the package, so that
    ``importlib.resources.files("gdlab.resources")`` is the one way gdlab finds its files. A
    top-level ``resources`` package installed by something else is never looked at."""
    if "gdlab.resources" in sys.modules:
        return
    here = Path(__file__).resolve().parent
    if getattr(sys, "frozen", False):
        folder = here / "resources"
    elif (here / "resources").is_dir() or not (here.parent / "pyproject.toml").is_file():
        return  # installed (a wheel holds gdlab/resources; an editable install has its own finder)
    else:
        folder = here.parent / "resources"
    init = folder / "__init__.py"
    if not init.is_file():
        return
    spec = spec_from_file_location(__name__ + ".resources", init, submodule_search_locations=[str(folder)])
    if spec is None or spec.loader is None:
        return
    module = module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)


_map_resources()
