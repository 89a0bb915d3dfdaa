"""Lint and types are part of the test command: ruff over the code, the tests, the benchmarks and
the packaging scripts; mypy over gdlab.core. Their rules live in pyproject.toml. Each check is
also shown to bite on a file that breaks its rules, so a clean result means something."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "pyproject.toml"


def tool(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_ruff_is_clean():
    done = tool("ruff", "check", "--no-cache", "gdlab", "tests", "benchmarks", "packaging", "dev.py")
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_is_clean_over_the_core():
    done = tool("mypy")  # files and flags from [tool.mypy]
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success" in done.stdout


def test_ruff_fails_on_a_file_that_breaks_its_rules(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import os\nimport sys\n\n\ndef f(x=[]):\n    return undefined_name\n")
    done = tool("ruff", "check", "--no-cache", "--config", str(CONFIG), str(bad), cwd=tmp_path)
    assert done.returncode == 1
    for code in ("F401", "B006", "F821"):
        assert code in done.stdout, code


@pytest.mark.slow
def test_mypy_fails_on_an_untyped_function(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f(x):\n    return x\n\n\ndef g(x: int) -> str:\n    return x\n")
    done = tool("mypy", "--config-file", str(CONFIG), "--cache-dir", str(tmp_path / "cache"), str(bad), cwd=tmp_path)
    assert done.returncode == 1
    assert "no-untyped-def" in done.stdout and "return-value" in done.stdout, done.stdout
