"""The window's widgets and how they are laid out: the parameter panel on the left, the cost plot
and the view tabs on top, the bottom tabs, the lecture caption, the timeline, the run bar and
the status bar's fields.
"""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QLabel, QPushButton, QScrollArea, QSplitter, QTabBar, QTabWidget, QVBoxLayout, QWidget

from ...core.views import BOTTOM, TOP, tab_views, view
from ..accessibility import describe_view
from ..panels import ParameterPanel
from ..plots.contour_view import ContourView
from ..plots.cost import CostPlot, GradientFlowPlot
from ..plots.curve_view import CurveView
from ..plots.data_view import DataView
from ..plots.draw_tool import DrawTool
from ..plots.graph_view import GraphView
from ..plots.inspector_view import InspectorView
from ..plots.landscape_view import LandscapeView
from ..plots.metrics_view import MetricsView
from ..plots.network_view import NetworkView
from ..plots.surface3d_view import Surface3DView
from ..plots.sweep_view import SweepView
from ..plots.trajectories import TrajectoryPlot
from ..runs_table import RunsView
from ..theming import themed_style
from ..timeline_bar import TimelineBar
from .messages import MessageBar, PendingChangeBar

PREFERRED_SIZE = QSize(1400, 860)  # the first start's size, when the screen has room for it
MINIMUM_SIZE = QSize(960, 600)     # fits a 1024×768 screen with a title bar and a taskbar


class LayoutMixin:
    """Builds the widgets.

    A mixin of :class:`~gdlab.gui.window.main.MainWindow`: its methods use the widgets and the
    state the window builds (``self.session``, ``self.cost_plot``, ...).
    """

    def _add_tabs(self, tabs: QTabWidget, place: str) -> None:
        """The catalogue's tabs at ``place`` (:mod:`gdlab.core.views`): its titles and tooltips, in its order."""
        for entry in tab_views(place):
            index = tabs.addTab(self.tab_pages[entry.name], entry.tab)
            tabs.setTabToolTip(index, entry.tip)

    def _build_ui(self) -> None:
        self.setWindowTitle("gdlab")
        self.setMinimumSize(MINIMUM_SIZE)
        self.panel = ParameterPanel()
        self.panel.changed.connect(self._on_param_changed)
        self.scenario = QLabel()
        self.scenario.setWordWrap(True)
        self.scenario.setTextFormat(Qt.TextFormat.RichText)
        themed_style(self.scenario, "QLabel { background:$panel_background; color:$foreground; border-radius:4px; "
                                    "padding:8px; }")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self.scenario)
        left_layout.addWidget(self.panel)
        scroll = QScrollArea()
        scroll.setWidget(left)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(330)
        self.left_scroll = scroll

        self.cost_plot = CostPlot()
        self.trajectory_plot = TrajectoryPlot()
        self.trajectory_plot.selection_changed.connect(self._on_tracked_changed)
        self.data_view = DataView()
        self.data_view.aspect_changed.connect(self.session.set_map_aspect)
        self.draw_tool = DrawTool(self.data_view)
        self.draw_tool.points_changed.connect(self._on_points_drawn)
        self.data_tab = QWidget()
        data_layout = QVBoxLayout(self.data_tab)
        data_layout.setContentsMargins(0, 0, 0, 0)
        data_layout.setSpacing(2)
        data_layout.addWidget(self.draw_tool.toolbar)
        data_layout.addWidget(self.data_view, 1)
        self.curve_view = CurveView()
        self.curve_view.start_chosen.connect(self._on_start_chosen)
        self.contour_view = ContourView()
        self.contour_view.start_chosen.connect(self._on_start_chosen)
        self.landscape_view = LandscapeView()
        self.landscape_view.requested.connect(self._on_landscape_requested)
        self.session.landscape_ready.connect(self.landscape_view.show_slice)
        self.surface3d_view = Surface3DView()  # cheap until shown: its mesh is made on first paint
        self.session.landscape_ready.connect(self._on_slice_for_3d)
        self.network_view = NetworkView()
        self.network_view.weight_clicked.connect(self.trajectory_plot.toggle_weight)
        self.inspector = InspectorView()
        self.inspector.trace_requested.connect(self.session.request_trace)
        self.inspector.sample.valueChanged.connect(self.session.select_sample)
        self.session.trace_ready.connect(self.inspector.show_trace)
        self.graph_view = GraphView()  # built and drawn only while on show (its trace comes with the frames)
        self.graph_view.sample.valueChanged.connect(self.inspector.sample.setValue)  # one sample for both
        self.inspector.sample.valueChanged.connect(self.graph_view.sample.setValue)
        self.view_tabs = QTabWidget()
        self.view_tabs.setDocumentMode(True)
        self.tab_pages: dict[str, QWidget] = {  # each tab's page, by its name in the catalogue
            "data": self.data_tab, "network": self.network_view, "inspector": self.inspector,
            "graph": self.graph_view, "landscape": self.landscape_view, "curve": self.curve_view,
            "surface": self.contour_view, "surface3d": self.surface3d_view}
        self._add_tabs(self.view_tabs, TOP)
        self.view_tabs.currentChanged.connect(self._on_view_tab)
        self._on_view_tab(self.view_tabs.currentIndex())  # the worker learns which view data is shown
        self.sweep_view = SweepView()
        self.sweep_view.run_requested.connect(self._on_sweep_requested)
        self.sweep_view.cancel_requested.connect(self.session.cancel_sweep)
        self.session.sweep_progress.connect(self.sweep_view.set_progress)
        self.session.sweep_done.connect(self._on_sweep_done)
        self.message = MessageBar()
        self.pending_bar = PendingChangeBar(self)
        self.pending_bar.apply_button.clicked.connect(self._apply_pending)
        self.pending_bar.revert_button.clicked.connect(self._revert_pending)

        self.top_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.top_splitter.addWidget(self.cost_plot)
        self.top_splitter.addWidget(self.view_tabs)
        self.top_splitter.setSizes([1000, 1000])
        plots = QSplitter(Qt.Orientation.Vertical)
        self.gradient_flow = GradientFlowPlot()
        self.metrics_view = MetricsView()
        self.runs_view = RunsView()
        self.runs_view.overlay_changed.connect(self._on_overlay)
        self.bottom_tabs = QTabWidget()
        self.bottom_tabs.setDocumentMode(True)
        self.tab_pages.update({"trajectories": self.trajectory_plot, "gradients": self.gradient_flow,
                               "metrics": self.metrics_view, "sweep": self.sweep_view, "runs": self.runs_view})
        self._add_tabs(self.bottom_tabs, BOTTOM)
        for name, page in {"cost": self.cost_plot, **self.tab_pages}.items():
            describe_view(page, view(name))  # its title and tip in the catalogue, for screen readers
        self.bottom_tabs.currentChanged.connect(self._on_bottom_tab)
        plots.addWidget(self.top_splitter)
        plots.addWidget(self.bottom_tabs)
        plots.setStretchFactor(0, 3)
        plots.setStretchFactor(1, 2)
        plots.setSizes([600, 400])
        self.plots_splitter = plots
        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(4, 4, 4, 4)
        self.lecture_caption = QLabel()  # lecture mode: what the current step does, in words
        self.lecture_caption.setWordWrap(True)
        self.lecture_caption.setTextFormat(Qt.TextFormat.PlainText)  # lesson captions come from files
        themed_style(self.lecture_caption, "QLabel { font-size: 22pt; padding: 6px 12px; background: $background; "
                                           "color: $foreground; border-bottom: 3px solid $accent; }")
        self.lecture_caption.hide()
        self.lecture_keys = QLabel("Space start/pause  ·  → one step  ·  Shift+→ ten steps  ·  R reset  ·  "
                                   "L log scale  ·  Esc leave lecture mode")
        themed_style(self.lecture_keys, "QLabel { font-size: 13pt; color: $muted; padding: 2px 12px; }")
        self.lecture_keys.hide()
        centre_layout.addWidget(self.lecture_caption)
        centre_layout.addWidget(self.pending_bar)
        centre_layout.addWidget(self.message)
        centre_layout.addWidget(plots, 1)
        self.timeline = TimelineBar()
        self.timeline.scrubbed.connect(self._on_scrubbed)
        self.timeline.resume_requested.connect(self._on_resume_from)
        self.timeline.live_requested.connect(self._on_live)
        self.session.peek_ready.connect(self._on_peek)
        self.session.worksheet_ready.connect(self._on_worksheet)
        centre_layout.addWidget(self.timeline)
        centre_layout.addWidget(self._build_run_bar())
        centre_layout.addWidget(self.lecture_keys)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(scroll)
        self.splitter.addWidget(centre)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([360, 1200])
        self.setCentralWidget(self.splitter)

        bar = self.statusBar()
        self.status_iteration = QLabel()
        self.status_cost = QLabel()
        self.status_state = QLabel()
        self.status_rate = QLabel()
        self.status_metric = QLabel()
        self.status_metric.setToolTip("Accuracy (share of points classified right) or R², on the training and the "
                                      "test data.")
        for w, width in ((self.status_iteration, 230), (self.status_cost, 200), (self.status_metric, 190),
                         (self.status_state, 110), (self.status_rate, 90)):
            w.setContentsMargins(8, 0, 8, 0)
            w.setMinimumWidth(width)  # so a changing number does not relayout the status bar
            bar.addPermanentWidget(w)
        self.status_iteration.setToolTip("Iterations = weight updates so far; epochs = passes over the training data.")
        self.status_cost.setToolTip("The cost J on the training data (and on the held-out test data).")
        self.status_rate.setToolTip("Training speed: weight updates per second.")

    def _keep_keys_for_shortcuts(self) -> None:
        """Buttons and tab bars never take keyboard focus: a focused button would take Space (start/
        pause) as a click on itself. They still work with the mouse, and every command they offer
        has a menu entry and, for the run commands, a key."""
        for kind in (QPushButton, QTabBar):
            for widget in self.centralWidget().findChildren(kind):
                widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)

