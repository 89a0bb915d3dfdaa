"""Writes the malformed-file corpus beside this script: ``python tests/data/malformed/make_corpus.py``.

Each file is a way an experiment file or an exported PNG figure can be broken (truncated, wrong
types, NaN and infinities, huge numbers, deep nesting, unknown schema version, binary junk,
Python code where a value belongs, ...). ``EXPECTED.json`` lists, for every file, the field its
error must name ("" when the problem is the file as a whole) and words its message must contain;
``tests/core/test_malformed_corpus.py`` and ``tests/gui/test_malformed_in_window.py`` check them.
The files are committed; this script documents how each was made and rebuilds them exactly (the
50 MB files are made by the tests themselves, into a temporary folder, and never committed).
"""
from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
MARKER = "gdlab-code-was-executed"   # a file that code hidden in the corpus would create

# The code a malicious file might carry, in every place a value can go.
CODE = f"__import__('os').system('touch {MARKER}')"
PICKLE = f"cos\nsystem\n(S'touch {MARKER}'\ntR.".encode("ascii")   # pickle protocol 0 for os.system


def experiment(**changes) -> dict:
    """A small valid network experiment; ``section__key=value`` changes one value."""
    doc = {
        "format": "gdlab-experiment", "schema_version": 1, "name": "corpus", "summary": "", "description": "",
        "kind": "network",
        "data": {"dataset": "xor", "n_samples": 40, "noise": 0.1, "test_fraction": 0.2, "data_seed": 0,
                 "features": ["x"]},
        "network": {"hidden_layers": [4], "hidden_activation": "tanh", "output_activation": "auto",
                    "loss": "auto", "init": "xavier", "init_scale": 0.1, "seed": 0, "regularization": "none",
                    "reg_rate": 0.001},
        "training": {"optimizer": "sgd", "learning_rate": 0.5, "max_iterations": 200},
    }
    for dotted, value in changes.items():
        section, _, key = dotted.partition("__")
        if key:
            doc[section][key] = value
        else:
            doc[section] = value
    return doc


def surface(**changes) -> dict:
    doc = {"format": "gdlab-experiment", "schema_version": 1, "name": "corpus surface", "kind": "surface",
           "surface": {"surface": "rosenbrock", "start": [-1.5, 2.0]},
           "training": {"optimizer": "sgd", "learning_rate": 0.001, "max_iterations": 100}, "runs": []}
    doc.update(changes)
    return doc


def dumps(doc) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def with_number(doc: dict, placeholder: float, literal: str) -> str:
    """The JSON text of ``doc`` with the number ``placeholder`` written as ``literal`` instead."""
    text = dumps(doc)
    assert text.count(repr(placeholder)) == 1, placeholder
    return text.replace(repr(placeholder), literal)


# -- PNG, built by hand (no image library) -------------------------------------------------------
SIGNATURE = b"\x89PNG\r\n\x1a\n"


def chunk(ctype: bytes, body: bytes) -> bytes:
    return struct.pack(">I4s", len(body), ctype) + body + struct.pack(">I", zlib.crc32(ctype + body))


def stored_zlib(data: bytes) -> bytes:
    """A zlib stream holding ``data`` uncompressed (one stored block): the same bytes with every zlib
    version, so the committed files can be compared with what this script makes."""
    assert len(data) < 65536
    block = b"\x01" + struct.pack("<HH", len(data), len(data) ^ 0xFFFF) + data  # final block, stored
    return b"\x78\x01" + block + struct.pack(">I", zlib.adler32(data))


def image_chunks() -> tuple[bytes, bytes]:
    """IHDR and IDAT of a valid 4 × 3 RGB image."""
    width, height = 4, 3
    ihdr = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    rows = b"".join(b"\0" + b"".join(bytes([(x * 60) % 256, (y * 90) % 256, 200]) for x in range(width))
                    for y in range(height))
    return ihdr, chunk(b"IDAT", stored_zlib(rows))


def png(*text_chunks: bytes) -> bytes:
    ihdr, idat = image_chunks()
    return SIGNATURE + ihdr + b"".join(text_chunks) + idat + chunk(b"IEND", b"")


def itxt(text: str | bytes, keyword: str = "gdlab:experiment", compressed: bool = False) -> bytes:
    payload = text.encode("utf-8") if isinstance(text, str) else text
    if compressed:
        payload = zlib.compress(payload, 9)
    return chunk(b"iTXt", keyword.encode("latin-1") + b"\0" + bytes([int(compressed), 0]) + b"\0\0" + payload)


def ztxt(payload: bytes, keyword: str = "gdlab:experiment", method: int = 0) -> bytes:
    return chunk(b"zTXt", keyword.encode("latin-1") + b"\0" + bytes([method]) + payload)


def good_png() -> bytes:
    return png(itxt(dumps(experiment())))


def corrupt_crc() -> bytes:
    data = bytearray(good_png())
    at = data.index(b"iTXt") + 40
    data[at] ^= 0x01  # one bit flipped inside the experiment text: the chunk's CRC no longer matches
    return bytes(data)


def length_field(value: int) -> bytes:
    data = bytearray(good_png())
    at = data.index(b"iTXt") - 4
    data[at:at + 4] = struct.pack(">I", value)
    return bytes(data)


def junk(n: int, seed: int) -> bytes:
    """Deterministic binary junk (a linear congruential generator), never valid UTF-8 text."""
    out, x = bytearray(), seed
    for _ in range(n):
        x = (1103515245 * x + 12345) % 2**31
        out.append(x >> 23)
    out[0] = 0xFF  # 0xFF never starts a UTF-8 character
    return bytes(out)


# -- the corpus: file name -> (content, field, words) -----------------------------------------------
ZLIB_DEPENDENT = {"zip-bomb-chunk.png"}  # compressed by zlib: its bytes may differ between zlib builds

def corpus() -> dict[str, tuple[bytes | str, str, list[str]]]:
    xor = dumps(experiment())
    entries: dict[str, tuple[bytes | str, str, list[str]]] = {
        # -- not JSON at all, or not an experiment's JSON ----------------------------------------------
        "empty.json": ("", "", ["not valid JSON", "empty"]),
        "whitespace-only.json": ("  \n\t\n", "", ["not valid JSON", "empty"]),
        "truncated.json": (xor[: len(xor) // 2], "", ["not valid JSON", "line"]),
        "trailing-garbage.json": (xor + "}\n", "", ["not valid JSON", "Extra data"]),
        "comment.json": ("// my experiment\n" + xor, "", ["not valid JSON", "line 1, column 1"]),
        "single-quotes.json": (xor.replace('"', "'"), "", ["not valid JSON", "double quotes"]),
        "binary-junk.json": (junk(600, 7), "", ["binary-junk.json", "not a text (UTF-8 JSON) file"]),
        "utf16-without-bom.json": (xor.encode("utf-16-le"), "", ["not a text", "zero bytes", "UTF-16"]),
        "utf16-with-bom.json": (xor.encode("utf-16"), "", ["not a text (UTF-8 JSON) file"]),
        "latin1-text.json": (dumps(experiment(name="Müller")).encode("latin-1"), "",
                             ["not a text (UTF-8 JSON) file"]),
        "json-list.json": ("[" + xor + "]\n", "", ["must be a JSON object"]),
        "json-string.json": ('"gdlab-experiment"\n', "", ["must be a JSON object"]),
        "json-null.json": ("null\n", "", ["must be a JSON object"]),
        "json-number.json": ("1\n", "", ["must be a JSON object"]),
        "pickle-payload.json": (PICKLE, "", ["not valid JSON"]),
        # -- numbers that are not numbers -----------------------------------------------------------
        "nan-literal.json": (with_number(experiment(training__learning_rate=0.125), 0.125, "NaN"), "",
                             ["NaN", "not a valid number"]),
        "infinity-literal.json": (with_number(experiment(training__momentum=0.875), 0.875, "-Infinity"), "",
                                  ["Infinity", "not a valid number"]),
        "nan-in-points.json": (with_number(experiment(data__dataset="custom", data__points={
            "task": "binary", "x": [[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.015625, 0.0]], "y": [0, 1, 0, 1]}),
            0.015625, "NaN"), "", ["NaN"]),
        "huge-number-1e309.json": (with_number(experiment(training__learning_rate=0.125), 0.125, "1e309"),
                                   "training.learning_rate", ["inf", "not a finite number", "1e-08", "10000"]),
        "huge-number-in-points.json": (with_number(experiment(data__dataset="custom", data__points={
            "task": "regression", "x": [[0.0], [1.0], [2.0], [3.0]], "y": [0.0, 1.0, 0.5, 0.015625]}),
            0.015625, "-1e400"), "data.points.y[3]", ["-inf is not a finite number"]),
        "huge-integer-float-field.json": (with_number(experiment(training__learning_rate=0.125), 0.125, "9" * 400),
                                          "training.learning_rate", ["too large", "1e-08"]),
        "huge-integer-int-field.json": (with_number(experiment(data__n_samples=1234567), 1234567, "7" * 40),
                                        "data.n_samples", ["out of range", "100000"]),
        "number-with-5000-digits.json": (with_number(experiment(training__learning_rate=0.125), 0.125, "1" * 5000),
                                         "", ["thousands of digits"]),
        # -- structure --------------------------------------------------------------------------------
        "deeply-nested-array.json": ("[" * 100_000 + "]" * 100_000, "", ["nested too deeply"]),
        "deeply-nested-object.json": ('{"":' * 25_000 + "1" + "}" * 25_000, "", ["nested too deeply"]),
        "nested-in-a-field.json": (json.dumps(experiment(network__hidden_layers=json.loads("[" * 400 + "]" * 400))),
                                   "network.hidden_layers[0]", ["whole number", "a list"]),
        "unknown-schema-version.json": (dumps({**experiment(), "schema_version": 2}), "schema_version",
                                        ["2 is not supported", "schema_version 1"]),
        "schema-version-as-text.json": (dumps({**experiment(), "schema_version": "1"}), "schema_version",
                                        ["'1' is not supported"]),
        "missing-schema-version.json": (dumps({k: v for k, v in experiment().items() if k != "schema_version"}),
                                        "schema_version", ["missing"]),
        "wrong-format.json": (dumps({**experiment(), "format": "tensorflow-playground"}), "format",
                              ["gdlab-experiment"]),
        "unknown-top-level-key.json": (dumps({**experiment(), "plugins": ["evil"]}), "plugins",
                                       ["unknown key", "schema_version"]),
        "unknown-key.json": (dumps(experiment(training__learnig_rate=0.1)), "training.learnig_rate",
                             ["unknown key", "learning_rate"]),
        "key-in-wrong-section.json": (dumps(experiment(data__optimizer="adam")), "data.optimizer",
                                      ["unknown key", "allowed in data"]),
        "section-not-object.json": (dumps(experiment(training=[0.5, 200])), "training", ["expected an object"]),
        # -- wrong types and values -------------------------------------------------------------------
        "wrong-type-learning-rate.json": (dumps(experiment(training__learning_rate="0.5")),
                                          "training.learning_rate", ["got text", "1e-08"]),
        "wrong-type-hidden-layers.json": (dumps(experiment(network__hidden_layers={"layers": 4})),
                                          "network.hidden_layers", ["a list", "an object"]),
        "wrong-type-kind.json": (dumps({**experiment(), "kind": ["network"]}), "kind",
                                 ["is not allowed", "network, surface"]),
        "bool-as-number.json": (dumps(experiment(data__n_samples=True)), "data.n_samples", ["true/false"]),
        "null-value.json": (dumps(experiment(training__momentum=None)), "training.momentum", ["null"]),
        "learning-rate-zero.json": (dumps(experiment(training__learning_rate=0)), "training.learning_rate",
                                    ["out of range", "1e-08"]),
        "negative-layer.json": (dumps(experiment(network__hidden_layers=[4, -3])), "network.hidden_layers[1]",
                                ["out of range", "256"]),
        "unknown-optimizer.json": (dumps(experiment(training__optimizer="lbfgs")), "training.optimizer",
                                   ["'lbfgs' is not allowed", "adam"]),
        "name-not-text.json": (dumps({**experiment(), "name": ["a", "b"]}), "name", ["expected text"]),
        "name-too-long.json": (dumps({**experiment(), "name": "n" * 500}), "name", ["at most 120 characters"]),
        "bce-on-regression.json": (dumps(experiment(data__dataset="sine", network__loss="bce")), "network.loss",
                                   ["bce needs a classification dataset"]),
        "custom-without-points.json": (dumps(experiment(data__dataset="custom")), "data.points",
                                       ["missing", "custom"]),
        "points-ragged-rows.json": (dumps(experiment(data__dataset="custom", data__points={
            "task": "binary", "x": [[0, 0], [1, 1], [0], [1, 0]], "y": [0, 1, 0, 1]})), "data.points.x[2]",
            ["expected 2 numbers like row 0, got 1"]),
        "surface-start-wrong-length.json": (dumps(surface(surface={"surface": "rosenbrock", "start": [1.0]})),
                                            "surface.start", ["rosenbrock has 2 weight(s)", "got 1"]),
        "surface-start-too-long.json": (dumps(surface(surface={"surface": "rosenbrock", "start": [1, 2, 3]})),
                                        "surface.start", ["0 to 2 entries, got 3"]),
        "too-many-runs.json": (dumps(surface(runs=[{"learning_rate": 0.001}] * 17)), "runs", ["at most 16 runs"]),
        "run-not-object.json": (dumps(surface(runs=["adam"])), "runs[0]", ["expected an object"]),
        "run-unknown-key.json": (dumps(surface(runs=[{"hidden_layers": [3]}])), "runs[0].hidden_layers",
                                 ["unknown key"]),
        # -- code where values belong: refused as values, never run --------------------------------------
        "python-code-in-values.json": (dumps({**experiment(name=CODE), "description": CODE,
                                              "training": {"optimizer": CODE, "learning_rate": CODE}}),
                                       "training.optimizer", ["is not allowed", "sgd"]),
        "python-code-as-key.json": (dumps(experiment(**{"training__" + CODE: 1})), "training." + CODE,
                                    ["unknown key"]),
        # -- PNG figures ------------------------------------------------------------------------------
        "truncated.png": (good_png()[:300], "", ["truncated.png", "truncated"]),
        "no-experiment-chunk.png": (png(), "", ["carries no gdlab experiment", "gdlab:experiment"]),
        "other-text-chunk-only.png": (png(chunk(b"tEXt", b"Software\0pyqtgraph")), "",
                                      ["carries no gdlab experiment"]),
        "invalid-json-in-chunk.png": (png(itxt('{"format": "gdlab-experiment", "schema_version": ')), "",
                                      ["not valid JSON", "invalid-json-in-chunk.png"]),
        "python-code-in-chunk.png": (png(itxt(CODE)), "", ["not valid JSON"]),
        "nan-in-chunk.png": (png(itxt(with_number(experiment(training__learning_rate=0.125), 0.125, "NaN"))), "",
                             ["NaN"]),
        "list-in-chunk.png": (png(itxt("[1, 2, 3]")), "", ["must be a JSON object"]),
        "bad-field-in-chunk.png": (png(itxt(dumps(experiment(training__learning_rate=-1.0)))),
                                   "training.learning_rate", ["out of range", "bad-field-in-chunk.png"]),
        "bad-crc.png": (corrupt_crc(), "", ["CRC", "corrupt"]),
        "wrong-magic.png": (b"\x89PNX" + good_png()[4:], "", ["not a text (UTF-8 JSON) file", "PNG signature"]),
        "chunk-claims-2GB.png": (length_field(0x8000_0000), "", ["2147483648 bytes", "more than PNG allows"]),
        "chunk-length-past-end.png": (length_field(0x7FFF_0000), "", ["truncated"]),
        "not-IHDR-first.png": (SIGNATURE + chunk(b"tEXt", b"a\0b") + good_png()[8:], "", ["not IHDR"]),
        "bad-chunk-type.png": (good_png().replace(b"iTXt", b"i\0Xt", 1), "", ["bad chunk type"]),
        "zip-bomb-chunk.png": (png(itxt(b" " * 31_000_000, compressed=True)), "", ["decompressed", "refused"]),
        "ztxt-unknown-method.png": (png(ztxt(stored_zlib(b"{}"), method=7)), "",
                                    ["unknown compression method"]),
        "ztxt-corrupt-stream.png": (png(ztxt(b"\x78\x9c not zlib at all")), "", ["compressed text", "corrupt"]),
        "chunk-not-utf8.png": (png(itxt(b"\xff\xfe{}")), "", ["not valid UTF-8"]),
        "png-junk-after-signature.png": (SIGNATURE + junk(400, 11), "", ["corrupt"]),
        "empty.png": (b"", "", ["not valid JSON", "empty"]),
    }
    return entries


# -- the 50 MB files: made by the tests into a temporary folder, never committed ---------------------
MB = 1_000_000


def write_huge_json(path: Path, size: int = 50 * MB) -> Path:
    """A valid experiment padded with spaces to ``size`` bytes: refused for its size, unread."""
    text = dumps(experiment()).encode("utf-8")
    with open(path, "wb") as handle:
        handle.write(text)
        handle.write(b" " * (size - len(text)))
    return path


def write_huge_png(path: Path, size: int = 50 * MB) -> Path:
    """A well-formed PNG whose gdlab:experiment chunk holds about ``size`` bytes of text."""
    text = dumps(experiment())
    path.write_bytes(png(itxt(text + " " * (size - len(text)))))
    return path


# file name -> (writer, words the message must contain); the field is "" for both
HUGE = {
    "fifty-megabytes.json": (write_huge_json, ["fifty-megabytes.json", "50.0 MB", "at most 30 MB"]),
    "fifty-megabytes.png": (write_huge_png, ["fifty-megabytes.png", "more than the 30 MB", "refused"]),
}


def main() -> None:
    expected = {}
    for name, (content, field, words) in corpus().items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (HERE / name).write_bytes(data)
        expected[name] = {"field": field, "words": words}
    (HERE / "EXPECTED.json").write_text(json.dumps(expected, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(expected)} files written to {HERE}")


if __name__ == "__main__":
    main()
