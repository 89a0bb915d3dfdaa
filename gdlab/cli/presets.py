"""``gdlab presets``: the preset scenarios, one a line (name<TAB>summary)."""
from __future__ import annotations

import argparse


def cmd_presets(args: argparse.Namespace) -> int:
    from ..core.files.presets import load_preset, preset_names

    for name in preset_names():
        print(f"{name}\t{load_preset(name).summary}")
    return 0
