#!/usr/bin/env python3
"""Set up gdlab in a local virtual environment, then run the app or the tests.

    python3 dev.py run [ARGS...]    create .venv if needed, install gdlab, launch the app
    python3 dev.py test [ARGS...]   create .venv if needed, install gdlab[test], run pytest
                                    (lint and types included) on parallel workers, offscreen

    python3 dev.py test -m "not slow"     the inner loop: everything but the tests over ~2 s
    python3 dev.py test -n 0 tests/core   one process, one folder

Only the Python standard library is used here, so this works on a fresh machine
with nothing but Python 3.11+. The install step is skipped when pyproject.toml
has not changed since the last successful install.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".gdlab-installed"


def venv_python() -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def ensure_env() -> Path:
    if sys.version_info < (3, 11):
        sys.exit(f"gdlab needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    py = venv_python()
    wheel = bundled_pip()
    if not py.exists():
        print("dev.py: creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=wheel is None, clear=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text().strip() != wanted:
        print("dev.py: installing gdlab and its test tools into .venv ...", flush=True)
        # The pip that this Python bundles, run straight from its wheel (``--python`` points it at
        # .venv), installs itself, gdlab editable and the test tools in one go: venv's own way
        # (ensurepip, compiling all of pip) took 5 s of every fresh set-up. Upgrading pip would
        # cost a download.
        if wheel is None:
            pip, extra = [str(py), "-m", "pip"], []
        else:
            pip, extra = [sys.executable, str(wheel / "pip"), "--python", str(py)], [str(wheel)]
        pip += ["--disable-pip-version-check", "-q", "install", "--no-compile"]
        subprocess.run([*pip, *extra, "-e", f"{ROOT}[test]"], check=True)
        # Bytecode for everything installed and for gdlab, compiled on every processor at once
        # (pip compiles one file after another; left to the tests, each of the parallel workers
        # compiled the same modules at the same time: ~20 s of a fresh run). A few files that are
        # not Python 3 (test data in some packages) fail to compile; nothing imports them. The
        # tools the tests use little or not at all, numpy's own tests and pyqtgraph's examples are left out.
        lib = VENV / ("Lib" if os.name == "nt" else "lib")
        rarely = (r"[/\\]site-packages[/\\](pygments|mypy|mypyc|pip|setuptools|_distutils_hack)[/\\]"
                  r"|[/\\]site-packages[/\\](numpy[/\\].*[/\\]tests|pyqtgraph[/\\]examples)[/\\]")
        subprocess.run([str(py), "-m", "compileall", "-q", "-j", "0", "-x", rarely, str(lib), str(ROOT / "gdlab")],
                       stdout=subprocess.DEVNULL)
        STAMP.write_text(wanted)
    return py


def bundled_pip() -> Path | None:
    """The pip wheel that ships with this Python (``ensurepip``), if it is there to run from.

    Some distributions take it out (Debian keeps its wheels elsewhere); then venv installs pip
    into .venv the usual way.
    """
    try:
        import ensurepip
    except ImportError:
        return None
    wheels = sorted((Path(ensurepip.__file__).parent / "_bundled").glob("pip-*.whl"))
    return wheels[-1] if wheels else None


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("run", "test"):
        print(__doc__.strip())
        return 2
    py = ensure_env()
    verb, rest = argv[0], argv[1:]
    if verb == "run":
        return subprocess.call([str(py), "-m", "gdlab", *rest], cwd=ROOT)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    # One BLAS thread per process: the suite already runs a process per processor, and OpenBLAS's
    # own threads spun waiting for cores the other workers held (the property tests took 34 s of
    # CPU with them, 21 s without; a 128k-weight training step 87 ms, 3.7 ms).
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    # The suite starts about a hundred Python processes (workers, the CLI, exported scripts): with
    # bytecode caches they skip recompiling gdlab and the rewritten tests (collection 6 s -> 2 s).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return subprocess.call([str(py), "-m", "pytest", *parallel(rest), *rest], cwd=ROOT, env=env)


def parallel(args: list[str]) -> list[str]:
    """pytest-xdist options unless the caller chose (``-n``, ``--numprocesses``, ``-p no:xdist``):
    one worker more than this process may use processors, since GUI tests spend part of their
    time waiting for a training thread or a subprocess; ``worksteal`` evens out the long tests."""
    if any(a.startswith(("-n", "--numprocesses", "--dist")) or a == "no:xdist" for a in args):
        return []
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return ["-n", str(cpus + 1), "--dist", "worksteal"]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
