#!/usr/bin/env python3
"""Build gdlab as a one-folder app with PyInstaller, then smoke-test what was built.

    python3 packaging/build.py              build into build/dist/gdlab/ and smoke-test it
    python3 packaging/build.py --smoke-only smoke-test the app already in build/dist/gdlab/
    python packaging/build.py --python python   use this interpreter (it has gdlab's dependencies
                                            and PyInstaller, as in .github/workflows/frozen.yml)

The same on Linux, Windows and macOS: the folder holds a console ``gdlab`` (every verb) and a
windowed ``gdlab-gui``; on Windows and macOS the icons are first made from the SVGs
(build/icons/gdlab.ico and .icns, by render_icons.py with Qt), and on macOS the folder is also
wrapped as build/dist/gdlab.app, which the smoke test then runs.

Everything happens under build/ (git ignores it): PyInstaller and gdlab's pinned dependencies go
into their own virtual environment, build/venv-pyinstaller/ (never the developer's .venv), made
once and reused while pyproject.toml and the PyInstaller pin stay the same. The app folder gets
the Linux desktop files beside it (share/applications, share/icons/hicolor, share/metainfo), so

    cp -r build/dist/gdlab /opt/gdlab && ln -s /opt/gdlab/gdlab /usr/local/bin/gdlab
    cp -r /opt/gdlab/share/. /usr/local/share/

installs it. The smoke test runs the frozen app as a user would, offscreen, with a throw-away
settings folder: ``--version``, ``presets``, ``export`` (or ``run`` where that verb is missing),
and the window with a short training run, whose screenshot must show drawn plots. Only the
standard library is used here; the screenshot is checked with the build environment's Qt.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
BUILD = ROOT / "build"
VENV = BUILD / "venv-pyinstaller"
WORK = BUILD / "pyinstaller"
DIST = BUILD / "dist"
APP = DIST / "gdlab"
MAC_APP = DIST / "gdlab.app"
APP_ICONS = BUILD / "icons"
SMOKE = BUILD / "smoke"
APP_ID = "io.github.gdlab.gdlab"
PYINSTALLER = "pyinstaller>=6.10,<7"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
# The smoke test of `gdlab export` (when the verb exists): a preset to a PNG figure.
EXPORT_ARGS = ("export", "lr-just-right", "--view", "cost", "--out", "{tmp}/figure.png")
EXPORT_OUTPUT = "figure.png"
RUN_ARGS = ("run", "xor", "--iterations", "50", "--out", "{tmp}/x.csv")
SCREENSHOT_ARGS = ("xor", "--size", "1280x800", "--run-iterations", "300", "--quit-after", "5000",
                   "--screenshot", "{tmp}/window.png")


def say(text: str) -> None:
    print(f"build.py: {text}", flush=True)


def fail(text: str) -> None:
    say(f"FAILED: {text}")
    sys.exit(1)


def version() -> str:
    match = re.search(r'^__version__ = "([^"]+)"', (ROOT / "gdlab" / "__init__.py").read_text(), re.M)
    if not match:
        fail("no __version__ in gdlab/__init__.py")
    return match.group(1)


# -- the build environment ---------------------------------------------------------------------
def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def requirements() -> list[str]:
    """gdlab's own pinned dependencies (pyproject.toml is the one place they are written) + PyInstaller."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [*project["dependencies"], PYINSTALLER]


def ensure_venv() -> Path:
    """The build environment's Python, made (or remade, when the requirements changed) first."""
    py = venv_python()
    reqs = requirements()
    stamp = VENV / ".requirements"
    wanted = hashlib.sha256("\n".join(reqs).encode()).hexdigest()
    if py.exists() and stamp.exists() and stamp.read_text().strip() == wanted:
        return py
    say(f"creating {VENV.relative_to(ROOT)} with: {', '.join(reqs)}")
    venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    pip = [str(py), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "install", "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "install", *reqs], check=True)
    stamp.write_text(wanted)
    return py


def installed_versions(py: Path) -> str:
    out = subprocess.run([str(py), "-c", "import PyInstaller, PySide6, pyqtgraph, numpy, sys; print("
                          "f'PyInstaller {PyInstaller.__version__}, PySide6 {PySide6.__version__}, '"
                          "f'pyqtgraph {pyqtgraph.__version__}, numpy {numpy.__version__}, '"
                          "f'Python {sys.version.split()[0]}')"], capture_output=True, text=True, check=True)
    return out.stdout.strip()


# -- the build ---------------------------------------------------------------------------------
def write_app_icons(py: Path) -> None:
    """build/icons/gdlab.ico and gdlab.icns from the SVGs, which the spec hands to PyInstaller."""
    subprocess.run([str(py), str(PACKAGING / "render_icons.py"), "--app-icons", str(APP_ICONS)], check=True,
                   env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))


def build(py: Path) -> float:
    t0 = time.perf_counter()
    write_app_icons(py)
    subprocess.run([str(py), "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
                    "--distpath", str(DIST), "--workpath", str(WORK), str(PACKAGING / "gdlab.spec")],
                   check=True, cwd=ROOT)
    return time.perf_counter() - t0


def check_templates_bundled(py: Path) -> list[str]:
    """Every pyqtgraph template module of the build environment must be in the app's archive."""
    site = subprocess.run([str(py), "-c", "import pyqtgraph, os; print(os.path.dirname(pyqtgraph.__file__))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    base = Path(site)
    wanted = sorted(".".join(("pyqtgraph", *p.relative_to(base).with_suffix("").parts))
                    for p in base.rglob("*[Tt]emplate*.py")
                    if not {"examples", "opengl", "jupyter"} & set(p.relative_to(base).parts))
    toc = (WORK / "gdlab" / "PYZ-00.toc").read_text()
    missing = [m for m in wanted if f"'{m}'" not in toc]
    if missing:
        fail(f"pyqtgraph template modules missing from the bundle: {', '.join(missing)}")
    return wanted


def trimmed_files_left() -> list[str]:
    """Files the spec trims (Qt's translations, the GTK 3 theme plugin) still in the app folder."""
    return sorted(p.relative_to(APP).as_posix() for p in APP.rglob("*")
                  if (p.suffix == ".qm" and "translations" in p.parts) or p.name.startswith("libqgtk3"))


def install_desktop_files() -> None:
    """The desktop entry, icons and AppStream metadata, laid out as under /usr/share."""
    share = APP / "share"
    shutil.rmtree(share, ignore_errors=True)
    (share / "applications").mkdir(parents=True)
    (share / "metainfo").mkdir(parents=True)
    shutil.copy2(PACKAGING / f"{APP_ID}.desktop", share / "applications")
    shutil.copy2(PACKAGING / f"{APP_ID}.metainfo.xml", share / "metainfo")
    icons = ROOT / "resources" / "icons"
    for size in ICON_SIZES:
        folder = share / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        folder.mkdir(parents=True)
        shutil.copy2(icons / f"gdlab-{size}.png", folder / f"{APP_ID}.png")
    scalable = share / "icons" / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True)
    shutil.copy2(icons / "gdlab.svg", scalable / f"{APP_ID}.svg")
    for folder, _, files in os.walk(share):  # readable by everyone once copied to /usr/local/share
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(Path(folder) / name, 0o644)


def validate_desktop_tree() -> str:
    """appstreamcli's check of the installed layout: metainfo, desktop entry and icon together."""
    tool = shutil.which("appstreamcli")
    if tool is None:
        return "appstreamcli not installed (Debian package appstream): installed layout not validated"
    out = subprocess.run([tool, "validate-tree", "--no-net", str(APP)], capture_output=True, text=True)
    if out.returncode != 0:
        fail(f"appstreamcli validate-tree {APP}:\n{out.stdout}{out.stderr}")
    return "appstreamcli validate-tree: passed"


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


# -- the smoke test ----------------------------------------------------------------------------
def executable(name: str, platform: str = sys.platform) -> Path:
    """The built ``gdlab`` or ``gdlab-gui``: on macOS the one inside gdlab.app, as a user starts it."""
    if platform == "darwin":
        return MAC_APP / "Contents" / "MacOS" / name
    return APP / (f"{name}.exe" if platform == "win32" else name)


def run_app(args: tuple[str, ...], tmp: Path, env: dict[str, str], timeout: float = 120, name: str = "gdlab"):
    exe = executable(name)
    argv = [str(exe), *(a.format(tmp=tmp) for a in args)]
    t0 = time.perf_counter()
    out = subprocess.run(argv, capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=timeout,
                         env=env, cwd=tmp)
    return out, time.perf_counter() - t0


def expect(ok: bool, what: str, out) -> None:
    if not ok:
        fail(f"{what}\n--- exit {out.returncode}; stdout:\n{out.stdout}\n--- stderr:\n{out.stderr}")


def screenshot_report(py: Path, png: Path, palette_colours: int = 2) -> str:
    """Check a screenshot shows drawn plots: many colours, and ``palette_colours`` of the palette in quantity."""
    probe = r"""
import sys
from PySide6.QtGui import QImage, QColor
img = QImage(sys.argv[1])
if img.isNull():
    print("unreadable"); sys.exit(1)
img = img.convertToFormat(QImage.Format.Format_RGB32)
palette = {"blue": (0, 114, 178), "orange": (230, 159, 0), "green": (0, 158, 115), "vermillion": (213, 94, 0)}
counts = dict.fromkeys(palette, 0)
colours = set()
step = 2
for y in range(0, img.height(), step):
    for x in range(0, img.width(), step):
        c = img.pixel(x, y) & 0xFFFFFF
        colours.add(c)
        r, g, b = (c >> 16) & 255, (c >> 8) & 255, c & 255
        for name, (pr, pg, pb) in palette.items():
            if abs(r - pr) + abs(g - pg) + abs(b - pb) < 60:
                counts[name] += 1
drawn = sum(counts.values())
print(f"{img.width()}x{img.height()}, {len(colours)} colours, palette pixels (every 2nd): "
      + ", ".join(f"{k} {v}" for k, v in counts.items()))
sys.exit(0 if len(colours) > 50 and drawn > 200 and sum(v > 20 for v in counts.values()) >= int(sys.argv[2]) else 1)
"""
    out = subprocess.run([str(py), "-c", probe, str(png), str(palette_colours)], capture_output=True, text=True,
                         env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    expect(out.returncode == 0, f"the screenshot {png} looks blank (no plots drawn)", out)
    return out.stdout.strip()


def smoke_test(py: Path) -> list[str]:
    report = []
    SMOKE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gdlab-smoke-") as name:
        tmp = Path(name)
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp / "config"),
                   HOME=str(tmp / "home"))
        env.pop("PYTHONPATH", None)
        (tmp / "home").mkdir()

        out, seconds = run_app(("--version",), tmp, env)
        expect(out.returncode == 0 and out.stdout.strip() == f"gdlab {version()}", "gdlab --version", out)
        report.append(f"--version: {out.stdout.strip()!r} in {seconds:.2f} s")

        out, seconds = run_app(("presets",), tmp, env)
        names = [line.split("\t")[0] for line in out.stdout.splitlines()]
        expect(out.returncode == 0 and {"lr-just-right", "optimizer-race", "xor"} <= set(names),
               "gdlab presets (the bundled resources/presets)", out)
        report.append(f"presets: {len(names)} presets in {seconds:.2f} s")

        # Without the verb, `gdlab export --help` is the window's own --help ("export" taken as
        # an experiment name): only the verb's usage line tells that it exists.
        has_export = "usage: gdlab export" in run_app(("export", "--help"), tmp, env)[0].stdout
        if has_export:
            out, seconds = run_app(EXPORT_ARGS, tmp, env)
            made = tmp / EXPORT_OUTPUT
            expect(out.returncode == 0 and made.is_file() and made.stat().st_size > 0,
                   f"gdlab {' '.join(EXPORT_ARGS)} (adjust EXPORT_ARGS in build.py if the verb's "
                   "arguments changed)", out)
            shutil.copy2(made, SMOKE / EXPORT_OUTPUT)
            report.append(f"export: {made.stat().st_size:,} bytes in {seconds:.2f} s "
                          f"(build/smoke/{EXPORT_OUTPUT}; {screenshot_report(py, made, palette_colours=1)})")
        else:
            out, seconds = run_app(RUN_ARGS, tmp, env)
            lines = (tmp / "x.csv").read_text().splitlines() if (tmp / "x.csv").is_file() else []
            expect(out.returncode == 0 and len(lines) == 53 and lines[-1].startswith("# status:"),
                   "gdlab run xor --iterations 50", out)
            report.append(f"run (no export verb yet): 51 rows + header + status in {seconds:.2f} s")

        out, seconds = run_app(SCREENSHOT_ARGS, tmp, env, name="gdlab-gui")
        shot = tmp / "window.png"
        expect(out.returncode == 0 and shot.is_file(), "gdlab-gui, the window (offscreen, --quit-after)", out)
        qt_noise = [line for line in out.stderr.splitlines() if line.strip()]
        shutil.copy2(shot, SMOKE / "window.png")
        report.append(f"gdlab-gui window: exit 0 after {seconds:.2f} s (5 s of it --quit-after); screenshot "
                      f"build/smoke/window.png: {screenshot_report(py, shot)}")
        if qt_noise:
            report.append("window stderr: " + " | ".join(qt_noise[:10]))
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke-only", action="store_true", help="skip the build; test build/dist/gdlab")
    parser.add_argument("--python", metavar="PYTHON", help="build with this interpreter (it has gdlab's "
                        "dependencies and PyInstaller) instead of build/venv-pyinstaller")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    py = Path(shutil.which(args.python) or args.python) if args.python else ensure_venv()
    say(installed_versions(py))
    setup_seconds = time.perf_counter() - t0
    if not args.smoke_only:
        seconds = build(py)
        templates = check_templates_bundled(py)
        say(f"PyInstaller took {seconds:.0f} s; pyqtgraph templates bundled: {', '.join(templates)}")
        if trimmed_files_left():
            fail(f"the spec's TRIMMED files are in the bundle: {', '.join(trimmed_files_left()[:10])}")
        if sys.platform.startswith("linux"):
            install_desktop_files()
            say(f"desktop files in {(APP / 'share').relative_to(ROOT)}; {validate_desktop_tree()}")
    for name in ("gdlab", "gdlab-gui"):
        if not executable(name).is_file():
            fail(f"{executable(name)} does not exist: build it first")
    size = folder_size(APP)
    say(f"app folder {APP.relative_to(ROOT)}: {size / 2**20:.0f} MiB in {sum(1 for _ in APP.rglob('*')):,} files")
    t1 = time.perf_counter()
    for line in smoke_test(py):
        say(f"smoke test: {line}")
    say(f"smoke test passed in {time.perf_counter() - t1:.0f} s (environment ready in {setup_seconds:.0f} s; "
        f"all {time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
