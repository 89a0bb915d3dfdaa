"""The frozen builds: packaging/gdlab.spec, run with PyInstaller's classes stubbed, for Windows, macOS
and Linux (what each would build: the executables, their console flags and icons, the macOS bundle,
what is trimmed), and the .ico and .icns render_icons.py makes from the SVGs, read back. The real
builds run in .github/workflows/frozen.yml, one runner per OS, and in packaging/build.py."""
import importlib.util
import struct
import sys
import types
from functools import cache
from pathlib import Path

import pytest
from PySide6.QtGui import QImage, QImageReader

import gdlab
from gdlab.gui.dialogs.help import APP_ID

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
ICONS = ROOT / "resources" / "icons"
SPEC = PACKAGING / "gdlab.spec"
PLATFORMS = ("win32", "darwin", "linux")
ICON_OF = {"win32": ROOT / "build" / "icons" / "gdlab.ico", "darwin": ROOT / "build" / "icons" / "gdlab.icns",
           "linux": None}
# What PyInstaller's own Analysis adds: its bootstrap and run-time hooks before the entry scripts,
# and (from its PySide6 hooks) Qt's libraries, plugins and translations.
BOOTSTRAP = [("pyiboot01_bootstrap", "/pyi/loader/pyiboot01_bootstrap.py", "PYSOURCE"),
             ("pyi_rth_pyside6", "/pyi/hooks/rthooks/pyi_rth_pyside6.py", "PYSOURCE")]
QT_BINARIES = [("PySide6/Qt/lib/libQt6Core.so.6", "/site/PySide6/Qt/lib/libQt6Core.so.6", "BINARY"),
               ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "/site/libqgtk3.so", "BINARY"),
               ("PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so", "/site/libqxdgdesktopportal.so",
                "BINARY"),
               ("PySide6\\plugins\\platforms\\qwindows.dll", "C:\\site\\qwindows.dll", "BINARY")]
QT_DATAS = [("PySide6/Qt/translations/qtbase_de.qm", "/site/qtbase_de.qm", "DATA"),
            ("PySide6\\translations\\qt_fr.qm", "C:\\site\\qt_fr.qm", "DATA")]


def load_script(name: str):
    spec = importlib.util.spec_from_file_location(f"packaging_{name}", PACKAGING / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def pyqtgraph_modules() -> tuple[str, ...]:
    """Every module of the installed pyqtgraph, by its file (found without importing it)."""
    base = Path(importlib.util.find_spec("pyqtgraph").origin).parent
    names = []
    for path in base.rglob("*.py"):
        parts = path.relative_to(base).with_suffix("").parts
        names.append(".".join(("pyqtgraph", *(parts[:-1] if parts[-1] == "__init__" else parts))))
    return tuple(sorted(names))


def collect_submodules(package, filter=lambda name: True):
    """PyInstaller's: a rejected package is not entered."""
    def accepted(name):
        parts = name.split(".")
        return all(filter(".".join(parts[:i])) for i in range(2, len(parts) + 1))
    return [name for name in pyqtgraph_modules() if accepted(name)]


def run_spec(monkeypatch, platform: str) -> dict:
    """Execute the spec as PyInstaller would on ``platform``; return every stub's calls."""
    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_submodules = collect_submodules
    hooks.collect_data_files = lambda package, excludes=(): [("pyqtgraph/colors/maps/x.csv", "pyqtgraph/colors/maps")]
    for name in ("PyInstaller", "PyInstaller.utils"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    monkeypatch.setitem(sys.modules, "PyInstaller.utils.hooks", hooks)
    monkeypatch.setattr(sys, "path", list(sys.path))  # the spec puts the checkout first
    calls: dict = {"Analysis": [], "PYZ": [], "EXE": [], "COLLECT": [], "BUNDLE": []}

    def stub(kind):
        def call(*args, **kwargs):
            made = types.SimpleNamespace(kind=kind, args=args, kwargs=kwargs)
            calls[kind].append(made)
            return made
        return call

    def analysis(scripts, **kwargs):
        stub("Analysis")(scripts, **kwargs)
        datas = [(f"{dest}/{Path(src).name}", src, "DATA") for src, dest in kwargs["datas"]]
        return types.SimpleNamespace(pure=[], binaries=list(QT_BINARIES), datas=[*datas, *QT_DATAS],
                                     scripts=[*BOOTSTRAP, *((Path(s).stem, s, "PYSOURCE") for s in scripts)])

    spec_globals = {"SPECPATH": str(PACKAGING), "PLATFORM": platform, "Analysis": analysis, "PYZ": stub("PYZ"),
                    "EXE": stub("EXE"), "COLLECT": stub("COLLECT"), "BUNDLE": stub("BUNDLE")}
    exec(compile(SPEC.read_text(), str(SPEC), "exec"), spec_globals)
    return calls


def test_the_spec_bundles_resources_licence_kernels_and_pyqtgraph_templates(monkeypatch):
    """What the spec hands to Analysis (the same on every platform)."""
    (analysis,) = run_spec(monkeypatch, "linux")["Analysis"]
    seen = analysis.kwargs
    scripts = [Path(s) for s in analysis.args[0]]
    assert scripts == [ROOT / "gdlab" / "__main__.py", PACKAGING / "gdlab_gui.py"]
    assert "gui_main()" in scripts[1].read_text()
    datas = {(Path(src).resolve() if Path(src).is_absolute() else src, dest) for src, dest in seen["datas"]}
    assert (ROOT / "resources", "gdlab/resources") in datas
    assert (ROOT / "LICENSE", "gdlab") in datas
    assert (ROOT / "README.md", "gdlab") in datas  # Help -> Documentation
    assert ("pyqtgraph/colors/maps/x.csv", "pyqtgraph/colors/maps") in datas
    sources = set((ROOT / "gdlab" / "core").rglob("*_kernels.py"))
    assert len(sources) == 6 and {(path, path.parent.relative_to(ROOT).as_posix())
                                       for path in sources} <= datas  # export-code reads them
    hidden = set(seen["hiddenimports"])
    assert {"pyqtgraph.graphicsItems.ViewBox.axisCtrlTemplate_generic",
            "pyqtgraph.graphicsItems.PlotItem.plotConfigTemplate_generic",
            "pyqtgraph.imageview.ImageViewTemplate_generic"} <= hidden
    assert not any(name.startswith("pyqtgraph.examples") for name in hidden)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_the_spec_builds_a_console_gdlab_and_a_windowed_gdlab_gui_in_one_folder(monkeypatch, platform):
    calls = run_spec(monkeypatch, platform)
    assert len(calls["Analysis"]) == len(calls["PYZ"]) == len(calls["COLLECT"]) == 1
    gui, cli = calls["EXE"]
    assert (gui.kwargs["name"], gui.kwargs["console"]) == ("gdlab-gui", False)
    assert (cli.kwargs["name"], cli.kwargs["console"]) == ("gdlab", True)
    pyz = calls["PYZ"][0]
    for exe, own, other in ((gui, "gdlab_gui", "__main__"), (cli, "__main__", "gdlab_gui")):
        assert exe.args[0] is pyz and exe.kwargs["exclude_binaries"] is True  # one folder, shared libraries
        assert exe.args[2] == [("X utf8", None, "OPTION")]  # output piped on Windows is UTF-8 too
        names = [entry[0] for entry in exe.args[1]]
        assert names == [*(entry[0] for entry in BOOTSTRAP), own]  # the hooks, then its own script only
        assert other not in names
        expected = ICON_OF[platform]
        assert (Path(exe.kwargs["icon"]) if exe.kwargs["icon"] else None) == expected
    (collect,) = calls["COLLECT"]
    assert collect.args[:2] == (gui, cli)  # gdlab-gui first: a macOS bundle's main executable
    assert collect.kwargs["name"] == "gdlab"
    bundled = [entry[0].replace("\\", "/") for toc in collect.args[2:] for entry in toc]
    assert "gdlab/resources/resources" in bundled and "PySide6/Qt/lib/libQt6Core.so.6" in bundled
    assert "PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so" in bundled
    assert "PySide6/plugins/platforms/qwindows.dll" in bundled
    assert not [name for name in bundled if "translations" in name or "libqgtk3" in name]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_only_the_macos_build_wraps_the_folder_in_an_app_bundle(monkeypatch, platform):
    calls = run_spec(monkeypatch, platform)
    if platform != "darwin":
        assert calls["BUNDLE"] == []
        return
    (bundle,) = calls["BUNDLE"]
    assert bundle.args == (calls["COLLECT"][0],)
    assert bundle.kwargs["name"] == "gdlab.app"
    assert Path(bundle.kwargs["icon"]) == ICON_OF["darwin"]
    assert bundle.kwargs["bundle_identifier"] == APP_ID
    assert bundle.kwargs["version"] == bundle.kwargs["info_plist"]["CFBundleShortVersionString"] == gdlab.__version__


def test_build_finds_files_the_spec_should_have_trimmed(monkeypatch, tmp_path):
    build = load_script("build")
    monkeypatch.setattr(build, "APP", tmp_path)
    for name in ("_internal/PySide6/Qt/lib/libQt6Core.so.6", "_internal/PySide6/Qt/translations/qt_de.qm",
                 "_internal/PySide6/Qt/plugins/platformthemes/libqgtk3.so",
                 "_internal/PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"")
    assert build.trimmed_files_left() == ["_internal/PySide6/Qt/plugins/platformthemes/libqgtk3.so",
                                          "_internal/PySide6/Qt/translations/qt_de.qm"]


# -- the Windows and macOS icons ---------------------------------------------------------------
@pytest.fixture(scope="module")
def app_icons(qapp, tmp_path_factory):
    render_icons = load_script("render_icons")
    ico, icns = render_icons.write_app_icons(tmp_path_factory.mktemp("icons"))
    return render_icons, ico, icns


def test_the_ico_holds_every_size_qt_reads_it_and_it_is_the_svgs_drawing(app_icons):
    render_icons, ico, _ = app_icons
    assert ico.name == "gdlab.ico"
    reader = QImageReader(str(ico))
    assert reader.format() == b"ico" and reader.imageCount() == len(render_icons.ICO_SIZES) == 7
    for index, size in enumerate(render_icons.ICO_SIZES):
        assert reader.jumpToImage(index)
        image = reader.read()
        assert (image.width(), image.height()) == (size, size) and image.hasAlphaChannel()
        if size in (16, 256):  # the small drawing and the full one
            assert render_icons.difference(image, QImage(str(ICONS / f"gdlab-{size}.png"))) == 0


def test_the_icns_holds_a_png_of_every_type_at_its_size(app_icons):
    render_icons, _, icns = app_icons
    data = icns.read_bytes()
    magic, length = struct.unpack(">4sI", data[:8])
    assert magic == b"icns" and length == len(data)
    entries, offset = [], 8
    while offset < len(data):
        kind, size = struct.unpack(">4sI", data[offset:offset + 8])
        assert size > 8 and offset + size <= len(data)
        entries.append((kind, QImage.fromData(data[offset + 8:offset + size], "PNG")))
        offset += size
    assert offset == len(data)
    assert [kind for kind, _ in entries] == list(render_icons.ICNS_TYPES) == [
        b"icp4", b"icp5", b"ic11", b"ic12", b"ic07", b"ic08", b"ic13", b"ic09", b"ic14", b"ic10"]
    for kind, image in entries:
        size = render_icons.ICNS_TYPES[kind]
        assert not image.isNull() and (image.width(), image.height()) == (size, size), kind
    ic09 = dict(entries)[b"ic09"]
    assert render_icons.difference(ic09, QImage(str(ICONS / "gdlab-512.png"))) <= render_icons.STALE_FRACTION


def test_the_ci_workflow_builds_on_each_os_with_build_py_and_runs_the_bundle():
    """The workflow cannot run here; what it asks of build.py and of the bundle's layout can be checked."""
    text = (ROOT / ".github" / "workflows" / "frozen.yml").read_text()
    assert "os: [ubuntu-latest, windows-latest, macos-latest]" in text
    assert 'python-version: "3.11"' in text and "actions/upload-artifact@" in text
    assert 'python -m pip install . "pyinstaller>=6.10,<7"' in text
    assert "run: python packaging/build.py --python python\n" in text
    build = load_script("build")
    assert build.PYINSTALLER == "pyinstaller>=6.10,<7"
    for platform, shown in (("win32", "build/dist/gdlab/gdlab.exe --version"),
                            ("darwin", "build/dist/gdlab.app/Contents/MacOS/gdlab --version"),
                            ("linux", "build/dist/gdlab/gdlab --version")):
        assert shown in text
        assert build.executable("gdlab", platform).relative_to(ROOT).as_posix() == shown.split()[0]
