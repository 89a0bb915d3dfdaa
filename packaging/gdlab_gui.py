"""The frozen app's ``gdlab-gui`` entry point (packaging/gdlab.spec): the window without a console,
the same as the ``gdlab-gui`` GUI script a wheel installs."""
import sys

from gdlab.cli import gui_main

if __name__ == "__main__":
    sys.exit(gui_main())
