"""gdlab.core is numpy and the standard library only: importing it loads no Qt."""
import json
import subprocess
import sys

PROBE = r"""
import json, sys, pkgutil, importlib
before = set(sys.modules)
import gdlab.core
for info in pkgutil.iter_modules(gdlab.core.__path__):
    importlib.import_module("gdlab.core." + info.name)
new = sorted(set(sys.modules) - before)
print(json.dumps(new))
"""


def test_importing_every_core_module_loads_only_numpy_and_stdlib():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    loaded = json.loads(out.stdout)
    assert any(m.startswith("gdlab.core.") for m in loaded), "the probe imported nothing"
    tops = {m.split(".")[0] for m in loaded}
    qt = {t for t in tops if t.lower().startswith(("pyside", "pyqt", "shiboken", "pyqtgraph", "qt"))}
    assert not qt, f"gdlab.core loaded Qt modules: {qt}"
    foreign = {t for t in tops if t not in sys.stdlib_module_names and t not in ("numpy", "gdlab")
               and not t.startswith("_")}
    assert not foreign, f"gdlab.core imported packages beyond numpy and the standard library: {foreign}"
