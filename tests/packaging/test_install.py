"""The wheel and the sdist, built offline from this source tree, are complete, and the wheel
installs and runs as a user's copy: `gdlab` (a console script) and `gdlab-gui` (a GUI script, here
started with no stdout and no stderr, as `pythonw` starts it on Windows), run from a folder outside
the source, with gdlab's files found inside the installed package even when another package
installs a top-level `resources`.

The build is the one `python -m build` does (the sdist from the tree, the wheel from the sdist),
through setuptools' own PEP 517 hooks, without build isolation, so nothing is downloaded. The venv
sees the test environment's numpy, PySide6 and pyqtgraph (no download either) and nothing of the
checkout; gdlab goes in from the wheel with pip --no-deps --no-index."""
import email.parser
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import venv
import zipfile
from pathlib import Path

import numpy
import pyqtgraph
import PySide6
import pytest
import shiboken6

import gdlab
from gdlab.cli import main
from gdlab.core.files.presets import preset_names

ROOT = Path(__file__).resolve().parents[2]
NOT_SOURCE = shutil.ignore_patterns(".git", ".venv", "build", "dist", "__pycache__", "*.egg-info", ".*_cache",
                                    ".hypothesis", "out")
BUILD = """
import os, sys, tarfile
from pathlib import Path
from setuptools import build_meta
out = Path(sys.argv[1])
sdist = out / build_meta.build_sdist(str(out))
with tarfile.open(sdist) as tar:
    tar.extractall(out / "unpacked", filter="data")
os.chdir(out / "unpacked" / sdist.name.removesuffix(".tar.gz"))
wheel = out / build_meta.build_wheel(str(out))
print("BUILT", sdist, wheel, sep="\\n")
"""

def build(tmp: Path) -> tuple[Path, Path]:
    """(sdist, wheel): the sdist built from a copy of the source tree, the wheel from that sdist."""
    backend = importlib.metadata.version("setuptools")
    assert int(backend.split(".")[0]) >= 77, f"setuptools {backend} cannot build gdlab: `python3 dev.py test` " \
        "installs gdlab[test], which brings setuptools>=77"
    shutil.copytree(ROOT, tmp / "src", ignore=NOT_SOURCE)
    (tmp / "dist").mkdir()
    done = subprocess.run([sys.executable, "-c", BUILD, str(tmp / "dist")], cwd=tmp / "src", capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    sdist, wheel = done.stdout.split("BUILT\n")[-1].split()
    return Path(sdist), Path(wheel)


def check_the_sdist_holds_the_tests_packaging_docs_changelog_and_dev_script(sdist: Path) -> None:
    with tarfile.open(sdist) as tar:
        names = {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}
    tracked = {"CHANGELOG.md", "LICENSE", "README.md", "dev.py", "pyproject.toml", "MANIFEST.in",
               "resources/__init__.py", "resources/presets/xor.json", "resources/lessons/backpropagation.toml",
               "resources/icons/gdlab.svg", "gdlab/cli/__init__.py", "gdlab/gui/plots/base.py", "tests/conftest.py",
               "tests/cli/test_cli.py", "tests/packaging/test_install.py", "tests/data/malformed/EXPECTED.json",
               "packaging/gdlab.spec", "packaging/build.py", "docs/make_screenshots.py", "benchmarks/run_all.py"}
    assert tracked <= names, sorted(tracked - names)
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def check_the_wheel_metadata_is_complete_and_names_no_placeholder(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as whl:
        info = f"gdlab-{gdlab.__version__}.dist-info"
        meta = email.parser.Parser().parsestr(whl.read(f"{info}/METADATA").decode())
        entry_points = whl.read(f"{info}/entry_points.txt").decode()
        files = set(whl.namelist())
    assert meta["Name"] == "gdlab" and meta["Version"] == gdlab.__version__
    assert meta["Requires-Python"] == ">=3.11" and meta["License-Expression"] == "MIT"
    assert meta["Summary"] and meta["Description-Content-Type"] == "text/markdown"
    assert "backpropagation" in meta["Keywords"]
    classifiers = set(meta.get_all("Classifier"))
    assert {"Programming Language :: Python :: 3.11", "Programming Language :: Python :: 3.12",
            "Programming Language :: Python :: 3.13", "Intended Audience :: Education",
            "Intended Audience :: Science/Research", "Operating System :: OS Independent",
            "Topic :: Education"} <= classifiers
    assert any(c.startswith("Development Status :: ") for c in classifiers)
    for url in (meta.get_all("Project-URL") or []) + (meta.get_all("Home-page") or []):
        assert not re.search(r"example\.|TODO|your-?name|USER", url), url
    assert re.search(r"\[console_scripts\]\ngdlab = gdlab\.cli:main\n", entry_points)
    assert re.search(r"\[gui_scripts\]\ngdlab-gui = gdlab\.cli:gui_main\n", entry_points)
    assert {"gdlab/resources/__init__.py", "gdlab/resources/presets/xor.json", "gdlab/gui/plots/base.py",
            "gdlab/resources/lessons/one-weight.toml", "gdlab/resources/icons/gdlab-256.png"} <= files
    assert not [f for f in files if f.startswith(("resources/", "tests/"))]


@pytest.mark.slow
def test_the_sdist_and_the_wheel_are_complete_and_the_wheel_runs_from_outside_the_source(tmp_path, capsys):
    """One test, so that the build (the costly part) happens once, whichever worker runs it."""
    sdist, wheel = build(tmp_path / "build")
    check_the_sdist_holds_the_tests_packaging_docs_changelog_and_dev_script(sdist)
    check_the_wheel_metadata_is_complete_and_names_no_placeholder(wheel)
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    site = Path(sysconfig.get_path("purelib", "venv", vars={"base": str(env_dir), "platbase": str(env_dir)}))
    # gdlab's dependencies from this environment, by plain path (no .pth file there runs, so this
    # environment's own gdlab, an editable install, stays out of sight)
    deps = {str(Path(m.__file__).resolve().parents[1]) for m in (numpy, PySide6, shiboken6, pyqtgraph)}
    (site / "gdlab-test-deps.pth").write_text("\n".join(sorted(deps)) + "\n")
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    pip = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "--disable-pip-version-check", "-q",
                          "install", "--no-deps", "--no-index", "--no-compile", str(wheel)],
                         capture_output=True, text=True, timeout=120)
    assert pip.returncode == 0, pip.stdout + pip.stderr
    bin_dir = python.parent
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["QT_QPA_PLATFORM"] = "offscreen"

    def gdlab_(*args, script="gdlab"):
        return subprocess.run([str(bin_dir / script), *map(str, args)], cwd=elsewhere, env=env, capture_output=True,
                              text=True, timeout=120)

    def where() -> str:
        probe = ("import gdlab, importlib.resources as r; print(gdlab.__file__); print(r.files('gdlab.resources'))")
        return subprocess.run([str(python), "-c", probe], cwd=elsewhere, env=env, capture_output=True, text=True,
                              check=True, timeout=60).stdout

    def presets() -> list[str]:
        done = gdlab_("presets")
        assert done.returncode == 0 and done.stderr == "", done.stderr
        return [line.split("\t")[0] for line in done.stdout.splitlines()]

    assert where() == f"{site / 'gdlab' / '__init__.py'}\n{site / 'gdlab' / 'resources'}\n"
    version = gdlab_("--version")
    assert (version.returncode, version.stdout) == (0, f"gdlab {gdlab.__version__}\n"), version.stderr
    assert presets() == preset_names()

    run = gdlab_("run", "xor", "--iterations", 20, "--out", "xor.csv")
    assert run.returncode == 0, run.stderr
    assert main(["run", "xor", "--iterations", "20", "--out", str(tmp_path / "here.csv")]) == 0
    assert (elsewhere / "xor.csv").read_bytes() == (tmp_path / "here.csv").read_bytes()

    export = gdlab_("export", "lr-just-right", "--view", "cost", "--iterations", 20, "--out", "cost.png")
    assert export.returncode == 0, export.stderr
    assert (elsewhere / "cost.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    # gdlab-gui as pythonw starts it: no stdout, no stderr (closed: Python sets sys.stdout = None)
    window = subprocess.run(["sh", "-c", 'exec "$0" "$@" >&- 2>&-', str(bin_dir / "gdlab-gui"), "xor",
                             "--quit-after", "300", "--screenshot", "window.png"], cwd=elsewhere, env=env,
                            timeout=120)
    assert window.returncode == 0
    assert (elsewhere / "window.png").stat().st_size > 10_000

    # another package's top-level `resources` changes nothing
    (site / "resources").mkdir()
    (site / "resources" / "__init__.py").write_text("")
    assert where() == f"{site / 'gdlab' / '__init__.py'}\n{site / 'gdlab' / 'resources'}\n"
    assert presets() == preset_names()
