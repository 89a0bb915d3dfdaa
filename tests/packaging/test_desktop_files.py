"""Desktop integration: the desktop entry and AppStream metadata validate (by the rules checked
here, and by desktop-file-validate and appstreamcli where installed) and agree with each other,
the icon exists at every size and matches its SVG, and the frozen app finds its resources (the spec
itself: test_frozen.py)."""
import ast
import importlib.resources
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from configparser import ConfigParser
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtSvg import QSvgRenderer

import gdlab
from gdlab.core.files import presets
from gdlab.gui.dialogs.help import APP_ID, ICON_SIZES

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
ICONS = ROOT / "resources" / "icons"
DESKTOP = PACKAGING / f"{APP_ID}.desktop"
METAINFO = PACKAGING / f"{APP_ID}.metainfo.xml"
SVG_NS = "{http://www.w3.org/2000/svg}"


# The reference validators (Debian packages desktop-file-utils and appstream) cannot be installed
# by pip, so the rules they enforce that these files depend on are checked here in Python, always;
# where a validator is on PATH (a developer's machine, the packaging build) it runs as well.
DESKTOP_KEYS = {"Type", "Version", "Name", "GenericName", "NoDisplay", "Comment", "Icon", "Hidden", "OnlyShowIn",
                "NotShowIn", "DBusActivatable", "TryExec", "Exec", "Path", "Terminal", "Actions", "MimeType",
                "Categories", "Implements", "Keywords", "StartupNotify", "StartupWMClass", "URL",
                "PrefersNonDefaultGPU", "SingleMainWindow"}
MAIN_CATEGORIES = {"AudioVideo", "Audio", "Video", "Development", "Education", "Game", "Graphics", "Network",
                   "Office", "Science", "Settings", "System", "Utility"}
ADDITIONAL_CATEGORIES = {"ArtificialIntelligence", "Math", "NumericalAnalysis", "DataVisualization", "ComputerScience"}
EXEC_CODES = {"%f", "%F", "%u", "%U", "%i", "%c", "%k", "%%"}


def external_validator(name: str) -> str | None:
    return shutil.which(name)


def desktop_entry_problems(path: Path) -> list[str]:
    """The Desktop Entry Specification 1.5 rules a validator would report for this kind of file."""
    problems = []
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0] != "[Desktop Entry]":
        problems.append("the first line must be [Desktop Entry]")
    entry: dict[str, str] = {}
    for number, line in enumerate(lines[1:], 2):
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            problems.append(f"line {number}: only the [Desktop Entry] group is expected")
            continue
        key, sep, value = line.partition("=")
        if not sep or key != key.strip() or not re.fullmatch(r"[A-Za-z0-9-]+(\[[A-Za-z_@.]+\])?", key):
            problems.append(f"line {number}: not a 'Key=value' line")
            continue
        if key in entry:
            problems.append(f"line {number}: {key} appears twice")
        entry[key] = value
        base = key.split("[")[0]
        if base not in DESKTOP_KEYS and not base.startswith("X-"):
            problems.append(f"line {number}: unknown key {base}")
    for key in ("Type", "Name", "Exec"):
        if key not in entry:
            problems.append(f"required key {key} is missing")
    if entry.get("Type") != "Application":
        problems.append("Type must be Application")
    if entry.get("Version") not in (None, "1.0", "1.1", "1.2", "1.3", "1.4", "1.5"):
        problems.append(f"unknown Version {entry.get('Version')}")
    for key in ("Terminal", "StartupNotify", "NoDisplay", "Hidden", "DBusActivatable", "SingleMainWindow"):
        if key in entry and entry[key] not in ("true", "false"):
            problems.append(f"{key} must be true or false")
    for key in ("Categories", "Keywords", "MimeType", "Actions", "OnlyShowIn", "NotShowIn"):
        if key in entry and not entry[key].endswith(";"):
            problems.append(f"{key} must end with ';'")
    categories = [c for c in entry.get("Categories", "").split(";") if c]
    if not set(categories) & MAIN_CATEGORIES:
        problems.append("Categories names no main category")
    for category in categories:
        if category not in MAIN_CATEGORIES | ADDITIONAL_CATEGORIES and not category.startswith("X-"):
            problems.append(f"unknown category {category}")
    codes = re.findall(r"%.", entry.get("Exec", ""))
    if any(code not in EXEC_CODES for code in codes) or len([c for c in codes if c in "%f%F%u%U"]) > 1:
        problems.append(f"Exec has invalid field codes {codes}")
    if entry.get("Icon", "").endswith((".png", ".svg", ".xpm")) and "/" not in entry["Icon"]:
        problems.append("a themed Icon has no file extension")
    if entry.get("Comment") and entry["Comment"] == entry.get("Name"):
        problems.append("Comment repeats Name")
    return problems


SPDX_SIMPLE = re.compile(r"^[A-Za-z0-9.+-]+( (AND|OR) [A-Za-z0-9.+-]+)*$")
OARS_VALUES = {"none", "mild", "moderate", "intense"}
# no made-up addresses or unfinished text reach a software centre (XML comments are not read)
PLACEHOLDER = re.compile(r"example\.(com|org|net)|\.(invalid|test|example)\b|localhost|\bTODO\b|\bFIXME\b|\bXXX\b"
                         r"|placeholder|lorem ipsum", re.I)
LIST_ITEM_MAX = 100  # characters: one line in a software centre; appstream-util's limit too


def words(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


def description_problems(description: ET.Element) -> list[str]:
    """AppStream's description markup: paragraphs and lists of items, with only <em> and <code>
    inside them; here also: it opens with a paragraph, has a list, and the items are short."""
    problems = []
    children = list(description)
    if not children or children[0].tag != "p":
        problems.append("<description> must open with a <p>")
    if not any(child.tag in ("ul", "ol") for child in children):
        problems.append("<description> has no list of features")
    blocks = []
    for child in children:
        if child.tag == "p":
            blocks.append(child)
        elif child.tag in ("ul", "ol"):
            if any(item.tag != "li" for item in child):
                problems.append(f"<{child.tag}> may only hold <li>")
            items = [item for item in child if item.tag == "li"]
            if not items:
                problems.append(f"<{child.tag}> is empty")
            blocks += items
        else:
            problems.append(f"<description> may not hold <{child.tag}>")
    for block in blocks:
        text = words(block)
        if not text:
            problems.append(f"an empty <{block.tag}>")
        for inline in block:
            if inline.tag not in ("em", "code"):
                problems.append(f"<{block.tag}> may only hold text, <em> and <code>, not <{inline.tag}>")
            problems += [f"<{inline.tag}> may not hold <{nested.tag}>" for nested in inline]
        if block.tag == "li" and len(text) > LIST_ITEM_MAX:
            problems.append(f"<li> is too long ({len(text)} > {LIST_ITEM_MAX}): {text[:40]}...")
        if block.tag == "li" and text.endswith("."):
            problems.append(f"<li> ends with a full stop: {text[-40:]}")
    return problems


def metainfo_problems(path: Path) -> list[str]:
    """The AppStream 1.0 rules (appstreamcli validate) this component depends on."""
    problems = []
    root = ET.parse(path).getroot()
    if root.tag != "component" or root.get("type") != "desktop-application":
        problems.append("the root must be <component type='desktop-application'>")
    cid = root.findtext("id") or ""
    if not re.fullmatch(r"[a-z][a-z0-9_]*(\.[A-Za-z0-9_]+){2,}", cid):
        problems.append(f"id {cid!r} is not a reverse-DNS name")
    for tag in ("id", "name", "summary", "metadata_license", "project_license", "description", "launchable",
                "developer/name", "content_rating", "releases/release"):
        if root.find(tag) is None:
            problems.append(f"<{tag}> is missing")
    if root.findtext("metadata_license") not in ("FSFAP", "MIT", "CC0-1.0", "CC-BY-3.0", "CC-BY-4.0",
                                                 "CC-BY-SA-3.0", "CC-BY-SA-4.0", "GFDL-1.3", "BSL-1.0",
                                                 "FTL", "0BSD"):
        problems.append("metadata_license is not a permissive licence appstream accepts")
    if not SPDX_SIMPLE.match(root.findtext("project_license") or ""):
        problems.append("project_license is not an SPDX expression")
    summary = root.findtext("summary") or ""
    if len(summary) > 80 or summary.endswith(".") or summary[:1] != summary[:1].upper():
        problems.append("summary must be short, capitalised and not end with a full stop")
    description = root.find("description")
    if description is not None:
        problems += description_problems(description)
    rating = root.find("content_rating")
    if rating is not None:
        if rating.get("type") != "oars-1.1":
            problems.append(f"content_rating type {rating.get('type')!r} is not oars-1.1")
        for attribute in rating:
            if attribute.tag != "content_attribute" or attribute.text not in OARS_VALUES:
                problems.append(f"content_rating holds <{attribute.tag}> {attribute.text!r}")
    for element in root.iter():
        for text in (element.text, element.tail, *element.attrib.values()):
            if text and PLACEHOLDER.search(text):
                problems.append(f"<{element.tag}> holds a placeholder: {text.strip()!r}")
    for address in root.findall("url") + root.findall("screenshots/screenshot/image"):
        if not (address.text or "").strip().startswith("https://"):
            problems.append(f"<{address.tag}> {address.text!r} is not an https:// address")
    for length in root.findall("*/display_length"):
        if length.get("compare", "ge") not in ("eq", "ne", "lt", "gt", "le", "ge") or not (length.text or "").isdigit():
            problems.append(f"display_length {length.get('compare')} {length.text!r} is not a compare and pixels")
    dates = []
    for release in root.findall("releases/release"):
        if not release.get("version"):
            problems.append("a release has no version")
        date = release.get("date") or ""
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
            problems.append(f"release date {date!r} is not YYYY-MM-DD")
        dates.append(date)
        if release.get("type", "stable") not in ("stable", "development", "snapshot"):
            problems.append(f"release type {release.get('type')} is unknown")
    if dates != sorted(dates, reverse=True):
        problems.append("releases must be listed newest first")
    for color in root.findall("branding/color"):
        if not re.fullmatch(r"#[0-9A-Fa-f]{6}", color.text or ""):
            problems.append(f"branding colour {color.text!r} is not #RRGGBB")
    for category in root.findall("categories/category"):
        if category.text not in MAIN_CATEGORIES | ADDITIONAL_CATEGORIES:
            problems.append(f"unknown category {category.text}")
    return problems


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
    assert desktop_entry_problems(DESKTOP) == []
    tool = external_validator("desktop-file-validate")
    if tool is not None:
        out = subprocess.run([tool, str(DESKTOP)], capture_output=True, text=True, timeout=60)
        problems = [line for line in (out.stdout + out.stderr).splitlines() if "error:" in line or "warning:" in line]
        assert out.returncode == 0 and not problems, out.stdout + out.stderr


def test_metainfo_validates():
    assert metainfo_problems(METAINFO) == []
    tool = external_validator("appstreamcli")
    if tool is not None:
        out = subprocess.run([tool, "validate", "--no-net", str(METAINFO)], capture_output=True, text=True,
                             timeout=60)
        assert out.returncode == 0, out.stdout + out.stderr
        assert not re.search(r"^[EW]: ", out.stdout, re.M), out.stdout


BROKEN_DESKTOP = {
    "no group": ("Type=Application\nName=x\nExec=x\n", "first line"),
    "missing Exec": ("[Desktop Entry]\nType=Application\nName=x\nCategories=Education;\n", "Exec is missing"),
    "bad boolean": ("[Desktop Entry]\nType=Application\nName=x\nExec=x\nTerminal=no\nCategories=Education;\n",
                    "Terminal must be"),
    "no main category": ("[Desktop Entry]\nType=Application\nName=x\nExec=x\nCategories=Math;\n", "main category"),
    "list without ;": ("[Desktop Entry]\nType=Application\nName=x\nExec=x\nCategories=Education\n", "end with"),
    "unknown key": ("[Desktop Entry]\nType=Application\nName=x\nExec=x\nCategories=Education;\nColour=red\n",
                    "unknown key"),
    "two file codes": ("[Desktop Entry]\nType=Application\nName=x\nExec=x %f %U\nCategories=Education;\n",
                       "field codes"),
}


@pytest.mark.parametrize("text, words", BROKEN_DESKTOP.values(), ids=BROKEN_DESKTOP.keys())
def test_the_desktop_checks_catch_broken_entries(tmp_path, text, words):
    path = tmp_path / "broken.desktop"
    path.write_text(text, encoding="utf-8")
    assert any(words in problem for problem in desktop_entry_problems(path))


BROKEN_METAINFO = {
    "summary with a full stop": (("<summary>See backpropagation and gradient descent work, live</summary>",
                                  "<summary>It works.</summary>"), "summary"),
    "no licence": (("<project_license>MIT</project_license>", ""), "project_license"),
    "bad id": (("<id>io.github.gdlab.gdlab</id>", "<id>gdlab</id>"), "reverse-DNS"),
    "bad date": (('date="2026-11-25"', 'date="25.11.2026"'), "YYYY-MM-DD"),
    "a heading in the description": (("    <ul>", "    <h1>Features</h1>\n    <ul>"), "<h1>"),
    "bold in a list item": (("<li>A command line that", "<li>A <b>command line</b> that"), "not <b>"),
    "a list item too long": (("<li>A command line that", "<li>" + "A very long line " * 6), "too long"),
    "a list item with a full stop": (("without a window</li>", "without a window.</li>"), "full stop"),
    "no content rating": (('<content_rating type="oars-1.1"/>', ""), "<content_rating> is missing"),
    "an old content rating": (('<content_rating type="oars-1.1"/>', '<content_rating type="oars-1.0"/>'),
                              "oars-1.1"),
    "a violent content rating": (('<content_rating type="oars-1.1"/>',
                                  '<content_rating type="oars-1.1"><content_attribute id="violence-cartoon">'
                                  'lots</content_attribute></content_rating>'), "content_rating holds"),
    "a placeholder screenshot": (('  <launchable type="desktop-id">',
                                  '  <screenshots><screenshot type="default"><image>https://example.com/shot.png'
                                  '</image></screenshot></screenshots>\n  <launchable type="desktop-id">'),
                                 "placeholder"),
    "a plain-http homepage": (('  <launchable type="desktop-id">',
                               '  <url type="homepage">http://gdlab.org/</url>\n  <launchable type="desktop-id">'),
                              "https://"),
    "a TODO summary": (("<summary>See backpropagation and gradient descent work, live</summary>",
                        "<summary>TODO write a summary</summary>"), "placeholder"),
    "a bad display length": (('<display_length compare="ge">768</display_length>',
                              '<display_length compare="ge">large</display_length>'), "display_length"),
}


@pytest.mark.parametrize("edit, words", BROKEN_METAINFO.values(), ids=BROKEN_METAINFO.keys())
def test_the_metainfo_checks_catch_broken_components(tmp_path, edit, words):
    text = METAINFO.read_text(encoding="utf-8")
    assert edit[0] in text
    path = tmp_path / "broken.metainfo.xml"
    path.write_text(text.replace(edit[0], edit[1]), encoding="utf-8")
    assert any(words in problem for problem in metainfo_problems(path))


@pytest.mark.parametrize("xml, words", [
    ("<description/>", "must open with a <p>"),
    ("<description><p>Only a paragraph.</p></description>", "no list of features"),
    ("<description><ul>  </ul><p>x</p></description>", "must open with a <p>"),
    ("<description><p>x</p><ul/></description>", "is empty"),
    ("<description><p>x</p><ul><p>y</p></ul></description>", "may only hold <li>"),
    ("<description><p>x <em>a <code>b</code></em></p><ul><li>y</li></ul></description>", "may not hold <code>"),
])
def test_the_description_checks_catch_broken_markup(xml, words):
    assert any(words in problem for problem in description_problems(ET.fromstring(xml)))


def test_the_description_checks_accept_em_and_code():
    xml = ("<description><p>Run <code>gdlab</code>, <em>then</em> watch.</p>"
           "<ul><li>A <em>race</em></li></ul></description>")
    assert description_problems(ET.fromstring(xml)) == []


# Every feature area of the README, and a word the description must use for it.
FEATURE_AREAS = {
    "the lab window and its live plots": r"lab window.*live plots",
    "the network diagram": r"network diagram",
    "the presets": r"ten ready-made scenarios",
    "the backprop inspector": r"backprop inspector",
    "the optimiser race": r"optimiser race",
    "the cost landscapes": r"cost landscapes",
    "the learning-rate sweep": r"learning-rate sweep",
    "the lessons": r"lessons",
    "lecture mode": r"lecture mode",
    "the timeline: rewind and fork": r"timeline.*rewind.*fork",
    "figures": r"png, svg and pdf",
    "animated GIFs": r"gifs",
    "the handout sheet": r"handout sheet",
    "worksheets": r"worksheets",
    "the exported script": r"numpy script",
    "the command line": r"command line",
    "experiment files": r"experiments saved as .*json",
    "the draw tool and your own data": r"draw the points.*csv",
    "themes": r"light, dark and projector themes",
}


@pytest.mark.parametrize("pattern", FEATURE_AREAS.values(), ids=FEATURE_AREAS.keys())
def test_the_description_names_every_feature_area(pattern):
    text = words(metainfo().find("description")).lower()
    assert re.search(pattern, text), f"the AppStream description does not mention /{pattern}/"


def test_no_screenshots_or_homepage_until_there_is_a_public_home():
    # Both need an address that serves them; until gdlab has a public home the file says so in a
    # comment instead of carrying made-up addresses. When one exists, replace this test with one
    # that checks the screenshots (a default one, each with a caption).
    root = metainfo()
    assert root.find("screenshots") is None and root.find("url") is None
    assert "the screenshots wait for a public home" in " ".join(METAINFO.read_text(encoding="utf-8").split())


# -- one id, one version, everywhere -----------------------------------------------------------
def test_desktop_entry_and_metainfo_agree_on_the_id_icon_and_command():
    entry = desktop_entry()
    root = metainfo()
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable[@type='desktop-id']") == DESKTOP.name
    assert entry["Icon"] == APP_ID
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    # the desktop entry runs `gdlab` (the one command a wheel and the frozen app both have);
    # `gdlab-gui` is the same window without a console, for Windows
    assert project["scripts"] == {"gdlab": "gdlab.cli:main"}
    assert project["gui-scripts"] == {"gdlab-gui": "gdlab.cli:gui_main"}
    assert entry["Exec"].split()[0] == entry["TryExec"] == root.findtext("provides/binary") == "gdlab"
    assert entry["Name"] == root.findtext("name") == "gdlab"
    assert root.findtext("project_license") == "MIT"
    assert entry["Categories"] == "".join(f"{c.text};" for c in root.findall("categories/category"))
    assert entry["Comment"] == root.findtext("summary")


def app_setup() -> tuple[dict[str, str], dict[str, str]]:
    """gdlab/gui/app.py's module-level string constants and what make_app passes to the
    QApplication setters (names of constants, as written), read without importing Qt."""
    tree = ast.parse((ROOT / "gdlab" / "gui" / "app.py").read_text(encoding="utf-8"))
    constants = {node.targets[0].id: node.value.value for node in tree.body
                 if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
                 and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)}
    setters = {node.func.attr: ast.unparse(node.args[0]) for node in ast.walk(tree)
               if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
               and node.func.attr.startswith("set") and len(node.args) == 1}
    return constants, setters


def test_startup_wm_class_and_desktop_id_are_the_apps():
    # On X11 Qt sets the window's WM_CLASS class to the application name: StartupWMClass must
    # match it, or the dock shows a second, icon-less entry. On Wayland the desktop file name does
    # that job (and the slow test below checks it on a real QApplication).
    constants, setters = app_setup()
    assert setters["setApplicationName"] == "APPLICATION"
    assert desktop_entry()["StartupWMClass"] == constants["APPLICATION"]
    assert setters["setDesktopFileName"] == "APP_ID" and DESKTOP.name == f"{APP_ID}.desktop"


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
    tool = external_validator("appstreamcli")
    if tool is not None:
        out = subprocess.run([tool, "validate-tree", "--no-net", str(tmp_path / "gdlab")], capture_output=True,
                             text=True, timeout=60)
        assert out.returncode == 0, out.stdout + out.stderr


@pytest.mark.slow
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
def test_resources_are_the_gdlab_resources_package_which_in_a_checkout_is_the_top_level_folder():
    assert presets.resources_dir() == importlib.resources.files("gdlab.resources") == ROOT / "resources"
