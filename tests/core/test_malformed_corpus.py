"""The malformed-file corpus (tests/data/malformed/): every file is refused with a message that
names the problem, and nothing in any of them is ever executed.

``EXPECTED.json`` maps each file to the field its :class:`ExperimentError` must name ("" when the
problem is the file as a whole) and to words its message must contain. ``make_corpus.py`` made
the files; a test here checks the committed files are still exactly what it makes. The 50 MB
files are made here, in a temporary folder.
"""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
import threading
import zlib
from pathlib import Path

import pytest

from gdlab.core.files.experiment import ExperimentError, load_experiment
from gdlab.core.files.pngmeta import EXPERIMENT_KEY, read_chunks
from gdlab.core.files.presets import resolve

CORPUS = Path(__file__).resolve().parents[1] / "data" / "malformed"
EXPECTED: dict[str, dict] = json.loads((CORPUS / "EXPECTED.json").read_text(encoding="utf-8"))
NOT_CORPUS = {"EXPECTED.json", "make_corpus.py", "__pycache__"}
MB = 1_000_000


def corpus_files() -> list[str]:
    return sorted(p.name for p in CORPUS.iterdir() if p.name not in NOT_CORPUS)


def _make_corpus_module():
    spec = importlib.util.spec_from_file_location("gdlab_make_corpus", CORPUS / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- what the corpus holds ----------------------------------------------------------------------------
def test_the_corpus_is_large_and_every_file_has_an_expectation():
    files = corpus_files()
    assert len(files) >= 30
    assert set(files) == set(EXPECTED), "a file without an expectation, or an expectation without a file"
    assert sum(name.endswith(".png") for name in files) >= 10, "exported PNG figures too"
    assert max((CORPUS / name).stat().st_size for name in files) < 400_000, "small files only"


def test_the_committed_files_are_what_make_corpus_makes():
    module = _make_corpus_module()
    made = module.corpus()
    assert sorted(made) == sorted(EXPECTED)
    for name, (content, field, words) in made.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        committed = (CORPUS / name).read_bytes()
        if name in module.ZLIB_DEPENDENT:  # compare what the compressed text holds
            assert _itxt_text(committed) == _itxt_text(data)
        else:
            assert committed == data, f"{name} differs from make_corpus.py's; run it again"
        assert EXPECTED[name] == {"field": field, "words": words}


def _itxt_text(png: bytes) -> bytes:
    """The decompressed text of the gdlab:experiment iTXt chunk (keyword, 0, flag, method, 0, 0, text)."""
    body = dict(read_chunks(png))[b"iTXt"]
    head = EXPERIMENT_KEY.encode() + b"\0\1\0\0\0"
    assert body.startswith(head)
    return zlib.decompress(body[len(head):])


# -- every file is refused, naming the problem ------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_file_is_refused_with_a_message_naming_the_problem(name):
    expected = EXPECTED[name]
    with pytest.raises(ExperimentError) as info:
        load_experiment(CORPUS / name)
    error = info.value
    message = str(error)
    assert error.field == expected["field"], message
    if error.field:
        assert message.startswith(error.field + ":"), "the message names the field first"
    for words in expected["words"]:
        assert words in message, f"{words!r} missing from: {message}"
    assert 10 < len(message) < 1000, "a message a person can read"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_resolve_refuses_each_file_the_same_way(name):
    """The command line and the window open files through resolve(): same error, same message."""
    with pytest.raises(ExperimentError) as info:
        resolve(str(CORPUS / name))
    assert info.value.field == EXPECTED[name]["field"]


# -- the 50 MB files --------------------------------------------------------------------------------------
HUGE_FILES = _make_corpus_module().HUGE


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(HUGE_FILES))
def test_a_50_megabyte_file_is_refused_for_its_size(tmp_path, name):
    write, words = HUGE_FILES[name]
    path = write(tmp_path / name)
    assert not (CORPUS / name).exists(), "never committed"
    assert path.stat().st_size >= 50 * MB
    with pytest.raises(ExperimentError) as info:
        load_experiment(path)
    for w in words:
        assert w in str(info.value)


# -- nothing is executed ----------------------------------------------------------------------------------
# Audit events (PEP 578) that running code from a file would raise: exec/eval/compile of text,
# a shell or a process, unpickling, loading a library. An audit hook cannot be removed, so it is
# added once and records only while a test is watching, and only on that test's thread.
_WATCHED = {"exec", "compile", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "subprocess.Popen",
            "pickle.find_class", "marshal.loads", "ctypes.dlopen", "import"}
_watch = threading.local()


def _audit(event: str, args: tuple) -> None:
    seen = getattr(_watch, "seen", None)
    if seen is None:
        return
    if event in _WATCHED:
        seen.append((event, repr(args)[:200]))
    elif event == "open" and len(args) > 1 and isinstance(args[1], str) and set(args[1]) & set("wax+"):
        seen.append((event, repr(args)[:200]))  # opened for writing


sys.addaudithook(_audit)


def load_watching(path: Path) -> tuple[BaseException | None, list]:
    _watch.seen = []
    try:
        load_experiment(path)
    except BaseException as exc:  # noqa: BLE001 - returned to the test, which checks what it is
        return exc, _watch.seen
    finally:
        seen, _watch.seen = _watch.seen, None
    return None, seen


def test_the_audit_hook_would_see_code_being_run():
    """The watch itself works: eval of a string is an exec event, writing a file an open event."""
    _watch.seen = []
    try:
        eval(compile("1 + 1", "<test>", "eval"))
    finally:
        seen, _watch.seen = _watch.seen, None
    assert {event for event, _ in seen} >= {"compile", "exec"}


def test_loading_the_corpus_executes_nothing_and_writes_nothing(tmp_path, monkeypatch):
    marker = _make_corpus_module().MARKER
    monkeypatch.chdir(tmp_path)  # where the code in the files would create its marker file
    files = [CORPUS / name for name in sorted(EXPECTED)]
    # a file whose *name* is Python code, too
    code_named = tmp_path / "__import__('os').system('touch gdlab-code-was-executed').json"
    shutil.copyfile(CORPUS / "python-code-in-values.json", code_named)
    files.append(code_named)
    for path in files:
        error, seen = load_watching(path)
        assert isinstance(error, ExperimentError), f"{path.name}: {error!r}"
        assert seen == [], f"{path.name}: loading raised the audit events {seen}"
    assert not (tmp_path / marker).exists()
    assert not Path(marker).exists()
    assert sorted(os.listdir(tmp_path)) == [code_named.name], "loading created no file"
