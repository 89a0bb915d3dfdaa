"""The hostile-input suite's driver: every case run in this one process, under a memory limit and
a per-case alarm, through the same entry points a user reaches (``gdlab.cli.main``, File → Open's
``load_experiment``). Run by ``tests/hostile/test_hostile.py`` as
``python driver.py FOLDER`` with RLIMIT_AS set; prints one JSON line per case:
``{"case", "code", "err", "seconds", "escaped"}`` (``escaped``: an exception that left the entry
point, as a one-line ``Type: message``)."""
from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import struct
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "data" / "malformed"))
import make_corpus as corpus  # noqa: E402  (the corpus's PNG and experiment builders)

CASES: dict[str, tuple[list[str], int, list[str]]] = {}   # name -> (arguments, exit code, words in stderr)
LOADS: dict[str, list[str]] = {}                           # name -> words of the refusal


def case(name: str, args: list[str], code: int = 2, *words: str) -> None:
    CASES[name] = (args, code, list(words))


def load(name: str, *words: str) -> None:
    LOADS[name] = list(words)


XOR = corpus.experiment()


def dumps(doc) -> str:
    return json.dumps(doc)


def write_files(folder: Path) -> None:
    """The hostile files, made into ``folder``."""
    f = folder
    w = lambda name, data: (f / name).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))  # noqa: E731
    # -- PNG ----------------------------------------------------------------------------------------
    bomb = corpus.itxt(b" " * 4_000_000, keyword="comment", compressed=True)
    w("many-bombs.png", corpus.png(*([bomb] * 300), corpus.itxt(dumps(XOR))))
    w("many-same-key.png", corpus.png(*([corpus.itxt(b"x" * 1000, keyword="k", compressed=True)] * 2000),
                                      corpus.itxt(dumps(XOR))))
    w("bomb-in-key.png", corpus.png(corpus.itxt(b" " * 40_000_000, compressed=True)))
    w("second-key-ignored.png", corpus.png(corpus.itxt(dumps(XOR)), corpus.itxt(b"{", compressed=True)))
    w("crc.png", corpus.corrupt_crc())
    w("truncated.png", corpus.good_png()[:-20])
    w("text-as-png.png", "hello, not a png")
    w("no-iend.png", corpus.good_png()[:-12])
    w("chunk-len-huge.png", corpus.SIGNATURE + struct.pack(">I4s", 0x7FFFFFFF, b"IHDR"))
    w("latin1-key.png", corpus.png(corpus.chunk(b"tEXt", b"gdlab:experiment\0" + dumps(XOR).encode())))
    # -- experiment JSON ----------------------------------------------------------------------------
    w("deep.json", "[" * 100_000 + "]" * 100_000)
    w("surrogate-name.json", dumps(XOR).replace('"name": "corpus"', '"name": "bad\\ud800name"'))
    w("nul-name.json", dumps(XOR).replace('"name": "corpus"', '"name": "a\\u0000b"'))
    w("bidi-name.json", dumps(XOR).replace('"name": "corpus"', '"name": "abc\\u202edcba"'))
    w("formfeed-summary.json", dumps(XOR).replace('"summary": ""', '"summary": "a\\fb"'))
    w("huge-int.json", dumps(XOR).replace('"seed": 0', '"seed": ' + "9" * 5000))
    w("nan.json", dumps(XOR).replace('"learning_rate": 0.5', '"learning_rate": NaN'))
    w("too-big-network.json", dumps(corpus.experiment(network__hidden_layers=[256] * 16, data__n_samples=100_000)))
    w("utf16.json", dumps(XOR).encode("utf-16"))
    w("zero-bytes.json", b"\0" * 1000)
    w("label-newline.json", json.dumps({"format": "gdlab-experiment", "schema_version": 1, "name": "r",
                                        "kind": "surface", "surface": {"surface": "parabola", "start": [1.0]},
                                        "runs": [{"label": "a\n# status: injected"}]}))
    # -- CSV ----------------------------------------------------------------------------------------
    w("empty.csv", "")
    w("header-only.csv", "x1,x2,label\n")
    w("nul.csv", "x1,x2,label\n1,2,\0a\n")
    w("bad-utf8.csv", b"x1,x2,label\n1,2,\xff\xfe\n" * 5)
    w("giant-cell.csv", "x1,x2,label\n" + "1" * 5000 + ",2,a\n" * 10)
    w("control-class.csv", "x1,x2,label\n" + "".join(f"{i},{i},a\x1b[31m\n" for i in range(10)))
    w("many-columns.csv", ",".join(f"c{i}" for i in range(100_000)) + "\n" + ",".join("1" for _ in range(100_000)))
    w("long-line.csv", "x1,x2,label\n" + "1," * 3_000_000 + "a\n")
    # -- lessons (TOML) -----------------------------------------------------------------------------
    w("deep.toml", 'title = "t"\na = ' + "[" * 5000 + "]" * 5000 + "\n")
    w("digits.toml", 'title = "t"\n[[step]]\nload = "xor"\npause = "x"\ninspect = { weight = "W1[' + "9" * 5000
      + ',1]" }\n')
    w("huge.toml", 'title = "t"\n' + "".join(f'[[step]]\npause = "{"x" * 200}"\n' for _ in range(1000)))
    w("nul.toml", 'title = "t\0"\n')
    w("bad-utf8.toml", b'title = "\xff"\n')
    w("missing-preset.toml", 'title = "t"\n[[step]]\nload = "no-such-preset"\npause = "x"\n')
    w("html-caption.toml", 'title = "t"\n[[step]]\nload = "xor"\npause = "<img src=x>"\n')
    # -- special files ------------------------------------------------------------------------------
    os.mkfifo(f / "fifo.json")
    os.mkfifo(f / "fifo.csv")
    os.mkfifo(f / "fifo.toml")
    os.mkfifo(f / "fifo-out.png")
    (f / "a-folder.json").mkdir()
    (f / "out-is-a-file").write_text("x")
    os.symlink("/dev/null", f / "device.csv")


def define(f: Path) -> None:
    long = "a" * 300
    # PNG: through File → Open's reader and through every verb that takes an experiment
    load("many-bombs.png")                                   # loads: the bombs are not this key's
    load("many-same-key.png")
    load("bomb-in-key.png", "decompressed", "refused")
    load("second-key-ignored.png")
    load("crc.png", "CRC")
    load("truncated.png", "truncated")
    load("text-as-png.png", "not valid JSON")
    load("no-iend.png", "truncated")
    load("chunk-len-huge.png", "truncated")
    load("latin1-key.png")
    case("run-png-bomb", ["run", str(f / "bomb-in-key.png"), "--out", str(f / "h.csv")], 2, "refused")
    case("inspect-png-bombs", ["inspect", str(f / "many-bombs.png"), "--weight", "W1[1,1]"], 0, "")
    # JSON
    load("deep.json", "nested")
    load("surrogate-name.json", "name", "lone surrogate")
    load("nul-name.json", "name", "control character")
    load("bidi-name.json", "name", "control character")
    load("formfeed-summary.json", "summary", "control character")
    load("huge-int.json", "thousands of digits")
    load("nan.json", "NaN is not a valid number")
    load("too-big-network.json", "data.n_samples, network.hidden_layers", "budget")
    load("utf16.json", "UTF-8")
    load("zero-bytes.json", "zero bytes")
    load("label-newline.json", "runs[0].label", "line break")
    load("fifo.json", "not an experiment file")
    load("a-folder.json", "is a folder")
    load("/dev/zero", "device, pipe or socket")
    case("run-too-big", ["run", str(f / "too-big-network.json"), "--out", str(f / "h.csv")], 2, "budget")
    case("worksheet-nul-name", ["worksheet", str(f / "nul-name.json"), "--out", str(f / "ws")], 2, "name")
    # CSV through gdlab run --data
    for name, words in [("empty.csv", []), ("header-only.csv", []), ("nul.csv", []), ("bad-utf8.csv", []),
                        ("giant-cell.csv", []), ("control-class.csv", ["control character"]),
                        ("many-columns.csv", []), ("long-line.csv", []), ("fifo.csv", ["not a CSV file"])]:
        case(f"data-{name}", ["run", "--data", str(f / name), "--out", str(f / "h.csv")], 2, *words)
    case("data-dev-zero", ["run", "--data", "/dev/zero", "--out", str(f / "h.csv")], 2, "device")
    case("data-folder", ["run", "--data", str(f), "--out", str(f / "h.csv")], 2, "folder")
    # lessons
    for name, code, words in [("deep.toml", 2, ["nested too deeply"]), ("digits.toml", 2, ["weight must read like"]),
                              ("huge.toml", 2, ["passes"]), ("nul.toml", 2, []), ("bad-utf8.toml", 2, ["UTF-8"]),
                              ("missing-preset.toml", 2, ["no-such-preset"]), ("fifo.toml", 2, ["not a lesson file"])]:
        case(f"lesson-{name}", ["lesson", str(f / name), "--export", str(f / "slides")], code, *words)
    # paths
    case("out-missing-folder", ["run", "xor", "--out", str(f / "no" / "such" / "h.csv")], 2, "does not exist")
    case("out-is-folder", ["run", "xor", "--out", str(f / "a-folder.json" / "..")], 2, "")
    case("out-device-behind-a-link", ["run", "lr-just-right", "--out", str(f / "device.csv")], 2, "not a regular file")
    case("out-name-too-long", ["run", "lr-just-right", "--out", str(f / (long + ".csv"))], 2, "too long")
    case("in-name-too-long", ["run", long, "--out", str(f / "h.csv")], 2, "neither a preset nor")
    case("export-to-fifo", ["export", "lr-just-right", "--view", "cost", "--out", str(f / "fifo-out.png")], 2,
         "not a regular file")
    case("worksheet-out-is-file", ["worksheet", "xor", "--out", str(f / "out-is-a-file")], 2, "")
    case("export-long-name", ["export", long, "--view", "cost", "--out", str(f / "x.png")], 2, "neither")
    # CLI arguments
    case("unknown-verb-ish", ["runn", "xor"], 2, "")
    case("iterations-negative", ["run", "xor", "--iterations", "-1", "--out", str(f / "h.csv")], 2, "")
    case("iterations-huge", ["run", "xor", "--iterations", "9" * 100, "--out", str(f / "h.csv")], 2, "")
    case("iterations-text", ["run", "xor", "--iterations", "abc", "--out", str(f / "h.csv")], 2, "")
    case("size-zero", ["export", "xor", "--view", "cost", "--size", "0x0", "--out", str(f / "x.png")], 2, "size")
    case("size-huge", ["export", "xor", "--view", "cost", "--size", "99999x99999", "--out", str(f / "x.png")], 2,
         "size")
    case("weight-zero", ["inspect", "xor", "--weight", "W0[0,0]"], 2, "no W0[0,0]")
    case("weight-digits", ["inspect", "xor", "--weight", "W1[" + "9" * 5000 + ",1]"], 2, "a weight reads like")
    case("view-unknown", ["export", "xor", "--view", "nope", "--out", str(f / "x.png")], 2, "")
    case("lesson-unknown", ["lesson", "no-such-lesson"], 2, "no lesson named")
    case("flag-surrogate", ["run", "xor", "--hidden-layers", "8,\udc80", "--out", str(f / "h.csv")], 2, "")
    case("lr-nan", ["run", "xor", "--learning-rate", "nan", "--out", str(f / "h.csv")], 2, "learning")


class Alarm(Exception):
    pass


def _alarm(*_):
    raise Alarm("took longer than its alarm")


def main(folder: str) -> None:
    from gdlab.cli import main as gdlab
    from gdlab.core.files.experiment import ExperimentError, load_experiment

    f = Path(folder)
    write_files(f)
    define(f)
    signal.signal(signal.SIGALRM, _alarm)
    for name, words in LOADS.items():
        path = name if name.startswith("/") else str(f / name)
        start, escaped, err = time.perf_counter(), "", ""
        signal.alarm(20)
        try:
            load_experiment(path)
            code = 0
        except ExperimentError as exc:
            code, err = 2, str(exc)
        except BaseException as exc:  # noqa: B036 (what escapes is the finding)
            code, escaped = -1, f"{type(exc).__name__}: {str(exc)[:300]}"
        finally:
            signal.alarm(0)
        print(json.dumps({"case": f"open:{name}", "code": code, "err": err, "escaped": escaped,
                          "seconds": time.perf_counter() - start, "want": [2 if words else 0, words]}), flush=True)
    for name, (args, want, words) in CASES.items():
        start, escaped = time.perf_counter(), ""
        out, err = io.StringIO(), io.StringIO()
        signal.alarm(20)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    code = gdlab(args)
                except SystemExit as exc:
                    code = exc.code if isinstance(exc.code, int) else 2
        except BaseException as exc:  # noqa: B036
            code, escaped = -1, f"{type(exc).__name__}: {str(exc)[:300]}"
        finally:
            signal.alarm(0)
        print(json.dumps({"case": name, "code": code, "err": err.getvalue()[:3000], "escaped": escaped,
                          "seconds": time.perf_counter() - start, "want": [want, words]}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
