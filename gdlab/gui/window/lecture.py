"""Themes, text size and lecture mode (full screen, projector theme, a caption narrating each step)."""
from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QApplication

from ...core.params import NETWORK
from ...core.run.training import CONVERGED, DIVERGED, FINISHED, MAX_ITERATIONS
from .. import theming
from ..palette import THEMES
from ..plots.step_text import narrate, num
from ..theming import MAX_SCALE, MIN_SCALE, SYSTEM, apply_to_app, scaled

TEXT_STEP = 1.15  # View → Larger text multiplies every font size by this, Smaller text divides


class LectureMixin:
    """Themes, text size, lecture mode.

    A mixin of :class:`~gdlab.gui.window.main.MainWindow`: its methods use the widgets and the
    state the window builds (``self.session``, ``self.cost_plot``, ...).
    """

    def themed_views(self) -> list:
        return [self.cost_plot, self.gradient_flow, self.metrics_view, self.trajectory_plot, self.data_view,
                self.network_view, self.inspector, self.graph_view, self.landscape_view, self.curve_view,
                self.contour_view, self.surface3d_view, self.sweep_view]

    def set_theme(self, name: str) -> None:
        """Switch every plot (and the widgets' colours and stylesheets) to a theme, at any time;
        ``"system"``: light or dark as the desktop is (:func:`gdlab.gui.theming.desktop_scheme`),
        and again whenever the desktop changes."""
        self.theme_name = name
        self.resolved_theme = theming.resolve(name)  # looked up in the module: tests replace desktop_scheme
        self.theme_actions[name].setChecked(True)
        theme = scaled(THEMES[self.resolved_theme], self.text_scale)
        app = QApplication.instance()
        if app is not None:
            apply_to_app(app, THEMES[self.resolved_theme], self.text_scale)
        for view in self.themed_views():
            if getattr(view, "theme", None) != theme:  # a new window's plots are in it already
                view.apply_theme(theme)
        if not self.lecture_mode:
            self.settings.setValue("theme", name)
        self._dirty = True

    @Slot(Qt.ColorScheme)
    def _on_desktop_scheme_changed(self, _scheme: Qt.ColorScheme) -> None:
        """The desktop went light or dark: a window on System follows it (lecture mode stays projector)."""
        if not self._closing and self.theme_name == SYSTEM and theming.resolve(SYSTEM) != self.resolved_theme:
            self.set_theme(SYSTEM)

    def scale_text(self, factor: float | None) -> None:
        """Multiply every font size by ``factor`` (None: back to 1)."""
        self.text_scale = 1.0 if factor is None else min(MAX_SCALE, max(MIN_SCALE, self.text_scale * factor))
        self.settings.setValue("text_scale", self.text_scale)
        self.set_theme(self.theme_name)
        self._widen_panel_for_text()
        self.statusBar().showMessage(f"Text at {self.text_scale:.0%} of its usual size.", 2000)

    @Slot()
    def larger_text(self) -> None:
        self.scale_text(TEXT_STEP)

    @Slot()
    def smaller_text(self) -> None:
        self.scale_text(1 / TEXT_STEP)

    @Slot()
    def normal_text(self) -> None:
        self.scale_text(None)

    @Slot()
    def _on_lesson_finished(self) -> None:
        self.statusBar().showMessage("End of the lesson: Page Up goes back, Lesson → Restart starts again.", 8000)

    def _widen_panel_for_text(self) -> None:
        """Larger text: the parameter panel gets the width its fields now need (the plots give it up),
        so its labels and fields are laid out again instead of being cut at the right edge."""
        QApplication.processEvents()  # the new font's sizes reach the layouts
        need = self.panel.minimumSizeHint().width() + self.left_scroll.verticalScrollBar().sizeHint().width() + 24
        sizes = self.splitter.sizes()
        if len(sizes) == 2 and sizes[0] and sizes[0] < need:
            self.left_scroll.setMinimumWidth(min(need, self.width() // 2))
            self.splitter.setSizes([need, max(0, sum(sizes) - need)])

    @Slot()
    def toggle_lecture_mode(self) -> None:
        if self.lecture_mode:
            self.leave_lecture_mode()
        else:
            self.enter_lecture_mode()

    def enter_lecture_mode(self) -> None:
        """Full screen, projector theme, the parameter panel folded away, a narrating caption."""
        if self.lecture_mode:
            return
        self.lecture_mode = True
        self._before_lecture = (self.theme_name, self.isFullScreen(), self.left_scroll.isVisible())
        # what quitting in lecture mode saves
        self._layout_before_lecture = (self.saveGeometry(), self.splitter.saveState())
        self.lecture_action.setChecked(True)
        self.leave_lecture_action.setEnabled(True)
        self.left_scroll.hide()
        self.menuBar().hide()
        self.lecture_caption.show()
        self.lecture_keys.show()
        self.set_theme("projector")
        self.showFullScreen()
        self.focus.follow_view()  # the inspector on show: it takes the plot area
        self._update_lecture_caption()

    @Slot()
    def leave_lecture_mode(self) -> None:
        if not self.lecture_mode:
            return
        self.lecture_mode = False
        self.focus.follow_view()  # a focus layout lecture mode chose ends with it
        theme, was_full, panel = self._before_lecture
        self.lecture_action.setChecked(False)
        self.leave_lecture_action.setEnabled(False)
        self.lecture_caption.hide()
        self.lecture_keys.hide()
        self.menuBar().show()
        self.left_scroll.setVisible(panel)
        self.set_theme(theme)
        if not was_full:
            self.showNormal()

    def lecture_text(self) -> str:
        """The current step in words, from the latest frame (a lesson's caption while one plays)."""
        if self.caption_override is not None:
            return self.caption_override()
        frame = self._frame
        if frame is None:
            return ""
        snap = frame.snapshot
        if snap.status in (DIVERGED, CONVERGED, FINISHED, MAX_ITERATIONS) and snap.status != "running":
            return f"Iteration {snap.iteration}: {snap.status.replace('_', ' ')} — {snap.reason}"
        if snap.kind != NETWORK:
            if snap.w.shape[1] == 1 and snap.w_next is not None:
                return narrate(snap.iteration, snap.optimizers[0], float(snap.w[0, 0]), float(snap.gradient[0, 0]),
                               float(snap.learning_rates[0]), float(snap.w_next[0, 0]))
            g = ", ".join(num(v) for v in snap.gradient[0])
            return (f"Iteration {snap.iteration}: the gradient at ({', '.join(num(v) for v in snap.w[0])}) is "
                    f"({g}); each run steps downhill, its own way.")
        J = self.last_cost  # the latest frame may carry no rows: the last cost stands
        weights = sum(w.size + b.size for w, b in zip(snap.weights, snap.biases))
        return (f"Iteration {snap.iteration}: the cost is J = {num(J)}. Backprop computes ∂J/∂w for all {weights} "
                f"weights and biases; gradient descent moves each by −α·∂J/∂w with α = {num(snap.learning_rate)}.")

    def _update_lecture_caption(self) -> None:
        if self.lecture_mode:
            text = self.lecture_text()
            if text != self.lecture_caption.text():
                self.lecture_caption.setText(text)
