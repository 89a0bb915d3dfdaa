"""Hostile input: files, names, paths and arguments made to crash, freeze, exhaust or escape.

Every case runs in one subprocess (``driver.py``) under an address-space limit of 3 GB, a memory
budget of 500 MB and a 20-second alarm per case, through the entry points a user reaches (the
``gdlab`` command, File → Open's reader). Each case must end as it should (refused with exit 2
and the words that say why, or accepted), in time, with no exception escaping.
"""
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import driver
import pytest

HERE = Path(__file__).resolve().parent
driver.define(Path("/nowhere"))
NAMES = [f"open:{n}" for n in driver.LOADS] + list(driver.CASES)
ADDRESS_SPACE = 3 * 1024 ** 3


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> dict[str, dict]:
    folder = tmp_path_factory.mktemp("hostile")
    root = str(HERE.parents[1])  # this checkout's gdlab, whatever the environment has installed
    env = dict(os.environ, GDLAB_MEMORY_BUDGET="500M", QT_QPA_PLATFORM="offscreen",
               PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])))
    done = subprocess.run([sys.executable, str(HERE / "driver.py"), str(folder)], capture_output=True, text=True,
                          timeout=600, env=env, preexec_fn=_limit)
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert rows, f"the driver printed nothing (exit {done.returncode}): {done.stderr[-3000:]}"
    return {row["case"]: row for row in rows}


def test_there_are_at_least_sixty_cases():
    assert len(NAMES) >= 60


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_each_case_ends_as_it_should(outcomes, name):
    assert name in outcomes, "the driver died before this case (see the previous one)"
    print(outcomes[name])
    row = outcomes[name]
    want_code, words = row["want"]
    assert not row["escaped"], row["escaped"]
    assert "Traceback" not in row["err"], row["err"]
    assert row["code"] == want_code, row
    for word in words:
        assert word in row["err"], (word, row["err"])
    assert row["seconds"] < 20
