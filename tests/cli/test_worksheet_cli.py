"""`gdlab worksheet`: the three worksheet PDFs of an experiment, written without any window."""
import pytest

from gdlab.cli import VERBS
from gdlab.core.teaching.worksheet import file_stem


def test_worksheet_is_a_verb():
    assert "worksheet" in VERBS


@pytest.mark.slow
def test_xor_writes_the_three_pdfs_into_a_new_folder_byte_for_byte_the_same_twice(gdlab, tmp_path):
    first, second = tmp_path / "handouts" / "week 3", tmp_path / "again"
    for out in (first, second):
        done = gdlab("worksheet", "xor", "--out", out, "--iterations", 5)
        assert done.returncode == 0, done.stderr
    names = ["xor-worked.pdf", "xor-blank.pdf", "xor-key.pdf"]
    assert sorted(p.name for p in first.iterdir()) == sorted(names)
    for name in names:
        data = (first / name).read_bytes()
        assert data.startswith(b"%PDF-1.") and data == (second / name).read_bytes(), name
    assert f"wrote {first / 'xor-key.pdf'}" in done.stderr.replace(str(second), str(first))


@pytest.mark.parametrize("args, words", [
    (["spiral-deep"], "a worksheet needs a tiny network"),
    (["lr-too-large"], "is a cost-surface race"),
    (["no-such-preset"], "no-such-preset"),
    (["xor", "--iterations", "-1"], "must be at least 0"),
])
def test_what_cannot_be_a_worksheet_exits_2_with_a_sentence(run_cli, tmp_path, args, words):
    code, out, err = run_cli("worksheet", *args, "--out", tmp_path / "out")
    assert code == 2 and out == "" and words in err, err
    assert not (tmp_path / "out").exists(), "nothing written"


def test_the_out_folder_is_required(run_cli):
    code, _, err = run_cli("worksheet", "xor")
    assert code == 2 and "--out" in err


@pytest.mark.parametrize("name, stem", [
    ("xor", "xor"), ("my experiment", "my_experiment"), ("../../x/owned", "_.._x_owned"),
    ("/etc/passwd", "_etc_passwd"), ("..", "worksheet"), ("", "worksheet"), ("a\x00b\ud800c", "a_b_c"),
    ("ü" * 100, "worksheet"), ("x" * 100, "x" * 64),
])
def test_a_file_stem_never_leaves_the_chosen_folder(name, stem):
    assert file_stem(name) == stem
    assert "/" not in stem and "\\" not in stem and not stem.startswith(".")
