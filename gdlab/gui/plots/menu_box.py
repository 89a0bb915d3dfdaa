"""A pyqtgraph ViewBox whose right-click menu is built when it is first needed.

pyqtgraph builds a ``ViewBoxMenu`` (two panels of axis widgets, some fifty signal connections)
for every plot as it is made; a lab window has fourteen plots and almost never opens one of
those menus, and the menus were about a sixth of building a window. Here the menu is built the
first time anything reads ``menu`` (a right click, a test, an export), with the actions gdlab
added before then (:meth:`MenuOnDemandViewBox.add_action`) appended in the order they came, as
they would have been.

``_applyMenuEnabled`` and ``updateViewLists`` are pyqtgraph's own hooks (0.14, pinned in
pyproject.toml): the first would build the menu to check that it exists, the second fills the
menu's "link axis" lists, which only a built menu has.
"""
from __future__ import annotations

import pyqtgraph as pg
from pyqtgraph.graphicsItems.ViewBox.ViewBoxMenu import ViewBoxMenu
from PySide6.QtGui import QAction


class MenuOnDemandViewBox(pg.ViewBox):
    """``pg.ViewBox`` with its menu enabled but built on first use."""

    def __init__(self, **kwargs) -> None:
        super().__init__(enableMenu=False, **kwargs)
        self.pending_actions: list[QAction] = []
        self.state["enableMenu"] = True  # the menu is on; only building it waits

    @property
    def menu(self) -> ViewBoxMenu | None:
        built = self.__dict__.get("_menu")
        # while ViewBox.__init__ runs, enableMenu is still False here: nothing is built then
        if built is None and self.state.get("enableMenu", False):
            built = self._menu = ViewBoxMenu(self)
            for action in self.pending_actions:
                built.addAction(action)
            self.pending_actions.clear()
            super().updateViewLists()
        return built

    @menu.setter
    def menu(self, value: ViewBoxMenu | None) -> None:
        self._menu = value

    def add_action(self, action: QAction) -> QAction:
        """Put ``action`` at the end of the menu, now if it is built, else when it is."""
        built = self.__dict__.get("_menu")
        if built is not None:
            built.addAction(action)
        else:
            self.pending_actions.append(action)
        return action

    def _applyMenuEnabled(self) -> None:
        if not self.state.get("enableMenu", False):
            built = self.__dict__.get("_menu")
            if built is not None:
                built.setParent(None)
                self._menu = None

    def updateViewLists(self) -> None:
        if self.__dict__.get("_menu") is not None:
            super().updateViewLists()


def add_menu_action(view_box: pg.ViewBox, action: QAction) -> QAction:
    """Append ``action`` to ``view_box``'s right-click menu (built on demand or not)."""
    if isinstance(view_box, MenuOnDemandViewBox):
        return view_box.add_action(action)
    view_box.menu.addAction(action)
    return action
