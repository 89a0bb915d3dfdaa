"""`gdlab --version` prints `gdlab <version>`, fast, and the version is the same everywhere."""
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import gdlab
from gdlab.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_python_dash_m_gdlab_version_prints_the_package_version():
    out = subprocess.run([sys.executable, "-m", "gdlab", "--version"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout == f"gdlab {gdlab.__version__}\n"
    assert out.stderr == ""


def test_version_flag_in_process_exits_zero(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out == f"gdlab {gdlab.__version__}\n"


def test_version_does_not_load_qt():
    probe = ("import sys, json\nfrom gdlab.cli import main\ntry:\n    main(['--version'])\nexcept SystemExit:\n"
             "    pass\nprint(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
             "('PySide6', 'shiboken6', 'pyqtgraph'))))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert json.loads(out.stdout.splitlines()[-1]) == []


def test_the_version_is_the_same_in_pyproject_and_the_package():
    assert re.fullmatch(r"\d+\.\d+\.\d+(\S*)", gdlab.__version__)
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["project"]["version"] == gdlab.__version__
