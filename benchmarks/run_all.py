"""Run every benchmark and print one table of figures against their targets.

Each benchmark is its own script whose last line is a JSON object; this runs them one after the
other (never in parallel: they measure speed) and collects the figures.

    .venv/bin/python benchmarks/run_all.py            # everything (the long run takes ~6 minutes)
    .venv/bin/python benchmarks/run_all.py --quick    # shorter timings and a 200,000-iteration long run

Last line: one JSON object with every benchmark's result.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run(script: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, str(HERE / script), *args], capture_output=True, text=True, timeout=3600)
    lines = [line for line in out.stdout.splitlines() if line.strip()]
    try:
        return json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        return {"error": (out.stderr or out.stdout)[-500:]}


def rows(results: dict) -> list[tuple[str, str, str, str]]:
    """(benchmark, measure, value, target) rows; ✓/✗ appended to the value."""
    out = []

    def add(bench: str, measure: str, value, target: str, ok) -> None:
        mark = "" if ok is None else (" ✓" if ok else " ✗")
        out.append((bench, measure, f"{value}{mark}", target))

    engine = results.get("engine", {})
    for case in engine.get("cases", []):
        ratio = case.get("ratio")
        add("engine", f"{case['name']}: gdlab / torch", "—" if ratio is None else f"{ratio:.2f}×",
            f"≥ {case['target']:g}×", case.get("meets_target"))
        add("engine", f"{case['name']}: gdlab it/s", f"{case['gdlab_iters_per_s']:,.0f}", "", None)
    gui = results.get("gui_responsiveness", {})
    if "ratio" in gui:
        add("gui", "GUI / headless it/s (spiral-deep)", f"{gui['ratio']:.2f}", "≥ 0.8", gui["ratio"] >= 0.8)
        add("gui", "timer latency p99", f"{gui['latency_p99_ms']:.1f} ms", "≤ 30 ms", gui["latency_p99_ms"] <= 30)
        add("gui", "redraws per second", f"{gui['redraws_per_s']:.1f}", "≥ 25", gui["redraws_per_s"] >= 25)
    race = results.get("race", {}).get("races", {})
    for name, r in race.items():
        target = results["race"].get("target_speedup", 4)
        add("race", f"{name}: batched / separate", f"{r['speedup']:.2f}×", f"≥ {target:g}× (8 runs, one group)",
            r["speedup"] >= target if "one group" in name else None)
    startup = results.get("startup", {})
    if "median_s" in startup:
        add("startup", "process start → window shown", f"{startup['median_s']:.2f} s", "≤ 1.5 s",
            startup["meets_target"])
    long_run = results.get("long_run", {})
    if "rss_growth_mb" in long_run:
        add("long run", f"RSS growth over {long_run['iterations']:,} iterations", f"{long_run['rss_growth_mb']:.1f} MB",
            "≤ 50 MB", long_run["meets_target"])
    for name, result in results.items():
        if "error" in result:
            add(name, "failed", result["error"].splitlines()[-1] if result["error"] else "?", "", False)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    seconds = ["--seconds", "1", "--repeats", "2"] if args.quick else []
    results = {
        "engine": run("engine.py", *seconds),
        "gui_responsiveness": run("gui_responsiveness.py", "--seconds", "5" if args.quick else "10"),
        "race": run("race.py", *seconds),
        "startup": run("startup.py", "--runs", "3" if args.quick else "5"),
        "long_run": run("long_run.py", "--iterations", "200000" if args.quick else "1000000"),
    }
    table = rows(results)
    widths = [max(len(r[i]) for r in table + [("benchmark", "measure", "value", "target")]) for i in range(4)]
    header = ("benchmark", "measure", "value", "target")
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    for row in table:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)))
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
