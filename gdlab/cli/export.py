"""``gdlab export``: run an experiment without any window and write one figure of it (PNG, SVG,
PDF, a GIF or a handout sheet), drawn by gdlab.gui's headless export. Imports the usage,
experiment-flag, progress and headless modules of this package; Qt only inside :func:`cmd_export`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.views import export_names
from .experiment_flags import (
    add_experiment_argument,
    add_experiment_flags,
    experiment_from_args,
    require_experiment,
    with_iterations,
)
from .headless import headless_qt
from .progress import Progress, add_progress_flag
from .usage import UsageError, examples, parse_size, positive_int

EXPORT_VIEWS = export_names()  # the catalogue's exported views (gdlab.core.views), in its order
EXPORT_FORMATS = ("png", "svg", "pdf", "gif")
EXPORT_THEMES = ("light", "dark", "projector")


EXPORT_HELP = (
    "one figure, no window: PNG, SVG, PDF, GIF or a sheet",
    "Run an experiment without any window (no display needed) and write one figure of it: PNG (with the "
    "experiment stored inside: File → Open restores it), SVG, PDF, or an animated GIF drawn from the recorded "
    "history. The same inputs give the same bytes.",
    examples("gdlab export xor --view data --iterations 800 --size 1200x800 --out boundary.png",
             "gdlab export optimizer-race --view surface --format gif --every 20 --fps 12 --out race.gif",
             "gdlab export spiral-deep --view sheet --page Letter --out handout.pdf",
             "gdlab export xor --view graph --sample 3 --size 1600x900 --out graph.png"))


def export_arguments(p: argparse.ArgumentParser) -> None:
    add_experiment_argument(p, "", kinds="a preset name (see `gdlab presets`), an experiment file, or a PNG exported "
                            "by gdlab")
    view = p.add_argument("--view", required=True, metavar="VIEW",
                   help="what to draw: " + ", ".join(EXPORT_VIEWS) + " (sheet: a one-page handout with the main "
                   "views, a caption and a parameter table)")
    view.completions = EXPORT_VIEWS  # checked after parsing (a clearer message); offered by completion
    p.add_argument("--out", required=True, metavar="FILE", help="the figure file: .png, .svg, .pdf or .gif")
    p.add_argument("--format", choices=EXPORT_FORMATS, help="the file format (default: from --out's suffix)")
    p.add_argument("--iterations", type=positive_int, metavar="N",
                   help="iterations to run (default: the experiment's max_iterations; graph: 0, its start)")
    p.add_argument("--sample", type=positive_int, metavar="K",
                   help="graph: the training sample (1-based, default 1) whose computation graph is drawn")
    p.add_argument("--size", metavar="WxH", help="the figure's size in pixels (default 800x500; a GIF 640x400; "
                   "a sheet is one A4 or Letter page)")
    p.add_argument("--scale", type=float, metavar="X", help="PNG: pixels per screen pixel; 2 draws the same "
                   "picture twice as sharp")
    p.add_argument("--dpi", type=float, metavar="DPI", help="PNG: dots per inch written into the file; without "
                   "--scale it also sets the scale to DPI/96 (300: for print). A sheet PNG is 300 dpi by default")
    p.add_argument("--theme", choices=EXPORT_THEMES, help="colours and line widths (default: light)")
    p.add_argument("--page", choices=("A4", "Letter"), default="A4", help="sheet: the page size (default A4)")
    p.add_argument("--every", type=positive_int, metavar="K",
                   help="GIF: one frame every K iterations (default: about 50 frames)")
    p.add_argument("--fps", type=float, default=10.0, metavar="F", help="GIF: frames per second, up to 50 "
                   "(default 10)")
    add_progress_flag(p)
    add_experiment_flags(p)


def cmd_export(args: argparse.Namespace) -> int:
    out = Path(args.out)
    require_experiment(args, "export")
    if args.view not in EXPORT_VIEWS:
        raise UsageError(f"--view {args.view}: unknown view; views: {', '.join(EXPORT_VIEWS)}")
    suffix = out.suffix.lower().lstrip(".")
    fmt = args.format or suffix
    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"--out {args.out}: cannot tell the format; end the name in .png, .svg, .pdf or .gif, "
                         "or give --format")
    if args.format and suffix in EXPORT_FORMATS and suffix != args.format:
        raise UsageError(f"--out {args.out} ends in .{suffix} but --format is {args.format}")
    if args.view == "sheet" and fmt == "gif":
        raise UsageError("--view sheet: a handout sheet is a page (pdf, png or svg), not an animation")
    graph = args.view == "graph"
    if graph and fmt == "gif":
        raise UsageError("--view graph: a computation graph is one picture (pdf, png or svg), not an animation")
    if args.sample is not None and not graph:
        raise UsageError("--sample: only for --view graph (the training sample whose graph is drawn)")
    if not 0 < args.fps <= 50:
        raise UsageError(f"--fps {args.fps:g}: expected above 0 and at most 50")
    experiment = with_iterations(experiment_from_args(args, "export"), args.iterations)
    size = parse_size(args.size) if args.size else ((640, 400) if fmt == "gif" else (800, 500))
    headless_qt()
    from ..gui.figures.export import ExportError, export_experiment
    from ..gui.figures.render import ViewError
    from ..gui.palette import THEMES

    progress = Progress("frames" if fmt == "gif" else "training", args.progress)
    try:
        path = export_experiment(experiment, args.view, out, fmt, size=size,
                                 theme=THEMES[args.theme] if args.theme else None, scale=args.scale, dpi=args.dpi,
                                 page=args.page, every_k=args.every, fps=args.fps, progress=progress,
                                 sample=(args.sample or 1) - 1, steps=(args.iterations or 0) if graph else None)
    except (ValueError, ViewError, ExportError) as exc:
        raise UsageError(str(exc)) from None
    finally:
        progress.close()
    print(f"wrote {path} ({path.stat().st_size:,} bytes)", file=sys.stderr)
    return 0
