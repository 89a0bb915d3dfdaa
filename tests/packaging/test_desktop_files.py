"""Desktop integration: the desktop entry and AppStream metadata validate and agree with each other,
the icon exists at every size and matches its SVG, and the PyInstaller spec bundles what the frozen
app needs (resources/, LICENSE, pyqtgraph's templates)."""
import ast
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tomllib
import types
import xml.etree.ElementTree as ET
from configparser import ConfigParser
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtSvg import QSvgRenderer

import gdlab
from gdlab.core import presets
from gdlab.gui.help import APP_ID, ICON_SIZES

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
ICONS = ROOT / "resources" / "icons"
DESKTOP = PACKAGING / f"{APP_ID}.desktop"
METAINFO = PACKAGING / f"{APP_ID}.metainfo.xml"
SVG_NS = "{http://www.w3.org/2000/svg}"


def validator(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (Debian package {package}; .ci/run installs it when apt-get works)")
    return path


def desktop_entry() -> dict[str, str]:
    parser = ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def metainfo() -> ET.Element:
    return ET.parse(METAINFO).getroot()


def load_script(name: str):
    spec = importlib.util.spec_from_file_location(f"packaging_{name}", PACKAGING / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- validators --------------------------------------------------------------------------------
def test_desktop_entry_validates():
    out = subprocess.run([validator("desktop-file-validate", "desktop-file-utils"), str(DESKTOP)],
                         capture_output=True, text=True, timeout=60)
    problems = [line for line in (out.stdout + out.stderr).splitlines() if "error:" in line or "warning:" in line]
    assert out.returncode == 0 and not problems, out.stdout + out.stderr


def test_metainfo_validates():
    out = subprocess.run([validator("appstreamcli", "appstream"), "validate", "--no-net", str(METAINFO)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    assert not re.search(r"^[EW]: ", out.stdout, re.M), out.stdout


# -- one id, one version, everywhere -----------------------------------------------------------
def test_desktop_entry_and_metainfo_agree_on_the_id_icon_and_command():
    entry = desktop_entry()
    root = metainfo()
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable[@type='desktop-id']") == DESKTOP.name
    assert entry["Icon"] == APP_ID
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["gui-scripts"]
    assert list(scripts) == ["gdlab"]
    assert entry["Exec"].split()[0] == entry["TryExec"] == root.findtext("provides/binary") == "gdlab"
    assert entry["Name"] == root.findtext("name") == "gdlab"
    assert root.findtext("project_license") == "MIT"


def test_metainfo_release_changelog_and_package_share_the_version():
    releases = metainfo().findall("releases/release")
    assert releases and releases[0].get("version") == gdlab.__version__
    assert re.search(rf"^## \[{re.escape(gdlab.__version__)}\]", (ROOT / "CHANGELOG.md").read_text(), re.M)


def test_licence_file_is_mit_and_setuptools_ships_it():
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License") and "gdlab developers" in text
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT"
    # setuptools >= 77 ships LICEN[CS]E* by default; an explicit list must still name LICENSE.
    patterns = project.get("license-files", ["LICEN[CS]E*"])
    assert any(Path("LICENSE").match(p) for p in patterns)


# -- the icon ----------------------------------------------------------------------------------
@pytest.mark.parametrize("size", ICON_SIZES)
def test_icon_png_exists_is_square_and_loads(size):
    image = QImage(str(ICONS / f"gdlab-{size}.png"))
    assert not image.isNull()
    assert image.width() == image.height() == size
    assert image.hasAlphaChannel()


@pytest.mark.parametrize("name", ["gdlab.svg", "gdlab-small.svg"])
def test_icon_svg_parses_and_is_square(name):
    root = ET.parse(ICONS / name).getroot()
    assert root.tag == f"{SVG_NS}svg"
    _, _, w, h = (float(v) for v in root.get("viewBox").split())
    assert w == h > 0
    renderer = QSvgRenderer(str(ICONS / name))
    assert renderer.isValid()
    used = {e.get("fill") for e in root.iter() if e.get("fill")} | {e.get("stroke") for e in root.iter()}
    assert {"#0072B2", "#E69F00", "#009E73", "#D55E00"} <= used  # the Okabe-Ito colours of the design


def test_icon_pngs_were_rendered_from_the_current_svgs(qapp):
    render_icons = load_script("render_icons")
    assert tuple(render_icons.SIZES) == ICON_SIZES
    assert render_icons.stale_icons() == []  # else: run packaging/render_icons.py


def test_build_lays_out_the_desktop_files_as_under_usr_share(monkeypatch, tmp_path):
    build = load_script("build")
    monkeypatch.setattr(build, "APP", tmp_path / "gdlab")
    build.install_desktop_files()
    share = tmp_path / "gdlab" / "share"
    assert (share / "applications" / DESKTOP.name).read_bytes() == DESKTOP.read_bytes()
    assert (share / "metainfo" / METAINFO.name).read_bytes() == METAINFO.read_bytes()
    for size in ICON_SIZES:
        png = share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        assert png.read_bytes() == (ICONS / f"gdlab-{size}.png").read_bytes()
        assert png.stat().st_mode & 0o444 == 0o444  # readable by everyone once installed
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    out = subprocess.run([validator("appstreamcli", "appstream"), "validate-tree", "--no-net", str(tmp_path / "gdlab")],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr


def test_the_app_sets_its_icon_and_desktop_id():
    probe = ("from gdlab.gui.app import make_app\napp = make_app()\n"
             "print(app.desktopFileName())\nprint(sorted(s.width() for s in app.windowIcon().availableSizes()))")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, env=env,
                         check=True)
    desktop_id, sizes = out.stdout.splitlines()[-2:]
    assert desktop_id == APP_ID
    assert ast.literal_eval(sizes) == list(ICON_SIZES)


# -- the frozen app ----------------------------------------------------------------------------
def test_resources_dir_prefers_the_pyinstaller_bundle(monkeypatch, tmp_path):
    (tmp_path / "resources" / "presets").mkdir(parents=True)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert presets.resources_dir() == tmp_path / "resources"


def test_resources_dir_without_a_bundle_is_the_checkout(monkeypatch):
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    assert presets.resources_dir() == ROOT / "resources"


def test_pyinstaller_spec_bundles_resources_licence_and_pyqtgraph_templates(monkeypatch):
    """Run the spec with PyInstaller's functions stubbed: what would it hand to Analysis?"""
    import pyqtgraph

    base = Path(pyqtgraph.__file__).parent

    def collect_submodules(package, filter=lambda name: True):
        names = []
        for path in base.rglob("*.py"):
            parts = path.relative_to(base).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            name = ".".join(("pyqtgraph", *parts))
            prefixes = [".".join(("pyqtgraph", *parts[:i])) for i in range(1, len(parts))]
            if all(filter(p) for p in prefixes) and filter(name):  # a rejected package is not entered
                names.append(name)
        return sorted(names)

    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_submodules = collect_submodules
    hooks.collect_data_files = lambda package, excludes=(): [("pyqtgraph/colors/maps/x.csv", "pyqtgraph/colors/maps")]
    for name in ("PyInstaller", "PyInstaller.utils"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    monkeypatch.setitem(sys.modules, "PyInstaller.utils.hooks", hooks)
    seen = {}

    def analysis(scripts, **kwargs):
        seen.update(kwargs, scripts=scripts)
        return types.SimpleNamespace(pure=[], scripts=[], binaries=[], datas=kwargs["datas"])

    spec_globals = {"SPECPATH": str(PACKAGING), "Analysis": analysis, "PYZ": lambda *a, **k: None,
                    "EXE": lambda *a, **k: seen.setdefault("exe", k), "COLLECT": lambda *a, **k: None}
    exec(compile((PACKAGING / "gdlab.spec").read_text(), "gdlab.spec", "exec"), spec_globals)

    assert [Path(s) for s in seen["scripts"]] == [ROOT / "gdlab" / "__main__.py"]
    datas = {(Path(src).resolve() if Path(src).is_absolute() else src, dest) for src, dest in seen["datas"]}
    assert (ROOT / "resources", "resources") in datas
    assert (ROOT / "LICENSE", ".") in datas
    assert ("pyqtgraph/colors/maps/x.csv", "pyqtgraph/colors/maps") in datas
    hidden = set(seen["hiddenimports"])
    assert {"pyqtgraph.graphicsItems.ViewBox.axisCtrlTemplate_generic",
            "pyqtgraph.graphicsItems.PlotItem.plotConfigTemplate_generic",
            "pyqtgraph.imageview.ImageViewTemplate_generic"} <= hidden
    assert not any(name.startswith("pyqtgraph.examples") for name in hidden)
    assert seen["exe"]["name"] == "gdlab"
