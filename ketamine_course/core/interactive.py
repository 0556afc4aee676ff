"""Interactive figures and self-checks that respond without a running kernel.

A plotting function is rendered once for every combination of control values
while the notebook executes. The frames go into nested ipywidgets ``Stack``
containers, and each control's ``index`` is linked to the stacks'
``selected_index`` with :func:`ipywidgets.jslink`. The link lives in the
browser, so the figure switches frames in JupyterLab and in the static book
alike (where the embedded widget state is rendered by the widget manager).

The same mechanism drives :func:`self_check`, whose frames are feedback
messages, and :func:`filter_table`, whose frames are filtered HTML tables.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import html
import io
import itertools
import math
import tomllib
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import matplotlib as mpl
import matplotlib.figure
import matplotlib.pyplot as plt
import matplotlib.textpath
from matplotlib.backend_bases import DrawEvent, RendererBase
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.font_manager import FontProperties
from matplotlib.layout_engine import PlaceHolderLayoutEngine

from .style import course_style

if TYPE_CHECKING:  # only Lesson 9 makes tables, so the others skip importing pandas (0.3 s)
    import pandas as pd

#: Control kinds and the ipywidgets selection widget each one becomes.
CONTROL_KINDS: dict[str, type[widgets.widgets.widget_selection._Selection]] = {
    "slider": widgets.SelectionSlider,
    "dropdown": widgets.Dropdown,
    "toggle": widgets.ToggleButtons,
}

#: Most frames one figure may hold; more would make the page too heavy.
MAX_FRAMES = 48
#: Most bytes one figure may add to its page: its frames' SVG, gzip-compressed
#: as a static host serves the page, summed over frames.
MAX_FIGURE_BYTES = 150_000
#: Matplotlib settings for frames: text stays text (with a generic font fallback),
#: and element ids are seeded so a frame's SVG is identical on every run.
SVG_PARAMS = {"svg.fonttype": "none", "svg.hashsalt": "ketamine-course"}
#: Characters left as they are in a data URI; the rest are percent-encoded, so
#: the markup holds no quote, angle bracket, ``#`` or newline.
_URI_SAFE = " /:=;,'.-_()!*"


@dataclass(frozen=True)
class Control:
    """One control of an interactive figure.

    Parameters
    ----------
    name
        Keyword argument of the plotting function that this control sets.
    values
        The values the control steps through, in display order.
    kind
        ``"slider"``, ``"dropdown"`` or ``"toggle"`` (toggle buttons).
    label
        Text shown beside the control (and announced by screen readers);
        defaults to ``name``.
    value_labels
        Text shown for each value; defaults to ``str(value)``.
    default
        The value selected when the page opens; defaults to the first value.
    """

    name: str
    values: Sequence[Any]
    kind: str = "slider"
    label: str | None = None
    value_labels: Sequence[str] | None = None
    default: Any = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise ValueError(f"name must be a Python identifier, got {self.name!r}")
        if self.kind not in CONTROL_KINDS:
            raise ValueError(
                f"kind of control {self.name!r} must be one of "
                f"{sorted(CONTROL_KINDS)}, got {self.kind!r}"
            )
        values = tuple(self.values)
        if not values:
            raise ValueError(f"values of control {self.name!r} is empty; give at least one value")
        object.__setattr__(self, "values", values)
        if self.value_labels is not None:
            labels = tuple(str(label) for label in self.value_labels)
            if len(labels) != len(values):
                raise ValueError(
                    f"value_labels of control {self.name!r} has {len(labels)} entries "
                    f"but values has {len(values)}; they must match"
                )
            object.__setattr__(self, "value_labels", labels)
        if self.default is not None and self.default not in values:
            raise ValueError(
                f"default of control {self.name!r} is {self.default!r}, "
                f"which is not one of its values {list(values)!r}"
            )

    @property
    def labels(self) -> tuple[str, ...]:
        """The text shown for each value."""
        return self.value_labels or tuple(str(v) for v in self.values)

    @property
    def default_index(self) -> int:
        """Position of the default value in :attr:`values`."""
        return 0 if self.default is None else self.values.index(self.default)

    def widget(self) -> widgets.widgets.widget_selection._Selection:
        """A new selection widget whose ``index`` picks one of the values."""
        cls = CONTROL_KINDS[self.kind]
        options = list(zip(self.labels, range(len(self.values))))
        style: dict[str, str] = {"description_width": "initial"}
        extra: dict[str, Any] = {}
        if self.kind == "slider":
            extra = {"continuous_update": True, "readout": True}
        elif self.kind == "toggle":
            # Toggle buttons otherwise cut long labels to a fixed width.
            style["button_width"] = "auto"
        return cls(
            options=options,
            index=self.default_index,
            description=self.label or self.name,
            style=style,
            layout=widgets.Layout(width="auto"),
            **extra,
        )


@dataclass(frozen=True)
class Frame:
    """One rendered frame: an SVG image and the alt text that describes it."""

    svg: bytes
    alt: str

    @property
    def compressed_size(self) -> int:
        """Bytes the frame adds to a gzip-served page."""
        return len(gzip.compress(self.svg, 6))

    def html(self) -> str:
        """An ``<img>`` element that embeds the SVG and its alt text.

        The SVG goes in as a percent-encoded data URI rather than base64, so
        it stays compressible text, and as an image, so its element ids cannot
        clash with another frame's.
        """
        data = urllib.parse.quote(self.svg.decode("utf-8"), safe=_URI_SAFE)
        return (
            f'<img class="kc-frame" src="data:image/svg+xml,{data}" '
            f'alt="{html.escape(self.alt, quote=True)}" '
            'style="max-width:100%;height:auto;">'
        )


@functools.lru_cache(maxsize=4096)
def _svg_text_metrics(text: str, font: FontProperties, ismath: bool | str) -> tuple:
    # What RendererSVG computes: a function of the text and its font alone.
    return matplotlib.textpath.text_to_path.get_text_width_height_descent(text, font, ismath)


@contextlib.contextmanager
def _text_metrics_shared_across_frames() -> Iterator[None]:
    """Measure each text once per process while SVG frames are drawn.

    Matplotlib keeps text sizes per renderer, and each SVG file gets a new renderer (two,
    with a layout engine), so every frame measured every tick label again: a third of a
    frame's time. The frames of a figure share most of their text.
    """
    measure = RendererSVG.get_text_width_height_descent
    RendererSVG.get_text_width_height_descent = lambda self, text, font, ismath: _svg_text_metrics(
        text, font.copy(), ismath
    )  # a copy: a key must not change
    try:
        yield
    finally:
        RendererSVG.get_text_width_height_descent = measure


@contextlib.contextmanager
def _layout_pass_without_drawing(fig: matplotlib.figure.Figure) -> Iterator[None]:
    """Let ``savefig``'s layout pass lay the figure out without drawing it.

    With a layout engine, ``savefig`` draws a figure twice: once with drawing switched off, only
    so that the engine lays it out, and once for real. Of the first pass, only what comes before
    the drawing matters (the axes' aspect, then the layout), so that is all it does here:
    writing a course figure's SVG takes 15-25% less time.
    """
    if fig.get_layout_engine() is None:
        yield
        return

    def draw(renderer) -> None:
        engine = fig.get_layout_engine()
        # The layout pass: a layout engine still set (savefig sets a placeholder for the real
        # pass), and drawing switched off (the renderer's draw methods replaced by no-ops that
        # wrap RendererBase's). Anything else is drawn in full, as matplotlib would.
        drawing_off = getattr(renderer.draw_path, "__wrapped__", None) is RendererBase.draw_path
        laying_out = drawing_off and not isinstance(engine, PlaceHolderLayoutEngine)
        if not laying_out:
            matplotlib.figure.Figure.draw(fig, renderer)
            return
        # What Figure.draw does around drawing (matplotlib 3.11): each axes' apply_aspect, the
        # layout, and the draw event. tests/test_interactive.py checks the frames come out the same.
        if not fig.get_visible():
            return
        with fig._render_lock:
            fig._get_draw_artists(renderer)
            if fig.axes:
                with contextlib.suppress(ValueError):  # as Figure.draw: a layout that cannot fit
                    engine.execute(fig)
            fig.stale = False
        DrawEvent("draw_event", fig.canvas, renderer)._process()

    own_draw = vars(fig).get("draw")
    fig.draw = draw
    try:
        yield
    finally:
        if own_draw is None:
            del fig.draw
        else:
            fig.draw = own_draw


def figure_to_svg(fig: matplotlib.figure.Figure) -> bytes:
    """Render a matplotlib figure to a compact, reproducible SVG.

    Vector line art is about a third of the size of an equivalent PNG once
    compressed, and stays sharp at any zoom.
    """
    out = io.BytesIO()
    with (
        mpl.rc_context(SVG_PARAMS),
        _text_metrics_shared_across_frames(),
        _layout_pass_without_drawing(fig),
    ):
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    return out.getvalue()


def _check_controls(controls: Sequence[Control]) -> tuple[Control, ...]:
    controls = tuple(controls)
    if not controls:
        raise ValueError("controls is empty; give at least one Control")
    for position, control in enumerate(controls):
        if not isinstance(control, Control):
            raise ValueError(
                f"controls[{position}] must be a Control, got {type(control).__name__}"
            )
    names = [c.name for c in controls]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"controls share the name(s) {duplicates}; each name must be unique")
    return controls


def _value_positions(
    controls: Sequence[Control], max_frames: int, too_many: str
) -> list[tuple[int, ...]]:
    """Every combination of the controls' value positions, outermost control first.

    Raises ``ValueError`` with ``too_many`` (formatted with ``n`` and ``max_frames``) when
    there are more than ``max_frames`` combinations.
    """
    n = math.prod(len(c.values) for c in controls)
    if n > max_frames:
        raise ValueError(too_many.format(n=n, max_frames=max_frames))
    return list(itertools.product(*(range(len(c.values)) for c in controls)))


def render_frames(
    plot: Callable[..., matplotlib.figure.Figure],
    controls: Sequence[Control],
    alt: str | Callable[..., str],
    *,
    max_frames: int = MAX_FRAMES,
    max_bytes: int = MAX_FIGURE_BYTES,
) -> dict[tuple[int, ...], Frame]:
    """Render ``plot`` once for every combination of control values.

    Parameters
    ----------
    plot
        Called as ``plot(**{control.name: value, ...})``; must return a
        matplotlib ``Figure``, which is closed after rendering.
    controls
        The controls, outermost first.
    alt
        Alt text for every frame, or a function called with the same keyword
        arguments as ``plot`` that returns the alt text of that frame.
    max_frames, max_bytes
        Page-weight guards: the number of frames, and their total size as
        compressed SVG (see :attr:`~ketamine_course.core.interactive.Frame.compressed_size`).

    Returns
    -------
    dict
        Maps each tuple of value positions (one per control) to its
        :class:`~ketamine_course.core.interactive.Frame`.
    """
    controls = _check_controls(controls)
    combinations = _value_positions(
        controls,
        max_frames,
        "the controls make {n} frames, more than max_frames={max_frames}; "
        "use fewer values so the page stays light",
    )
    n_frames = len(combinations)
    if not callable(alt) and not (isinstance(alt, str) and alt.strip()):
        raise ValueError("alt must be a non-empty string or a function returning one")

    frames: dict[tuple[int, ...], Frame] = {}
    total_bytes = 0
    for positions in combinations:
        kwargs = {c.name: c.values[i] for c, i in zip(controls, positions)}
        with course_style():
            fig = plot(**kwargs)
            if not isinstance(fig, matplotlib.figure.Figure):
                raise ValueError(
                    f"plot must return a matplotlib Figure, got {type(fig).__name__} for {kwargs}"
                )
            try:
                svg = figure_to_svg(fig)
            finally:
                plt.close(fig)
        text = alt(**kwargs) if callable(alt) else alt
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"alt returned no text for {kwargs}")
        frame = Frame(svg=svg, alt=text)
        total_bytes += frame.compressed_size
        if total_bytes > max_bytes:
            raise ValueError(
                f"the frames exceed max_bytes={max_bytes} (reached {total_bytes} bytes "
                f"after {len(frames) + 1} of {n_frames} frames); simplify the "
                "figure or use fewer values"
            )
        frames[positions] = frame
    return frames


def _linked_stacks(
    controls: Sequence[Control], leaves: dict[tuple[int, ...], widgets.Widget]
) -> tuple[list[widgets.ValueWidget], widgets.Widget]:
    """Nest one Stack level per control and link each control to its level."""
    selectors = [c.widget() for c in controls]
    levels: list[list[widgets.Stack]] = [[] for _ in controls]

    def build(depth: int, prefix: tuple[int, ...]) -> widgets.Widget:
        if depth == len(controls):
            return leaves[prefix]
        children = [build(depth + 1, prefix + (i,)) for i in range(len(controls[depth].values))]
        stack = widgets.Stack(children, selected_index=controls[depth].default_index)
        levels[depth].append(stack)
        return stack

    root = build(0, ())
    for selector, stacks in zip(selectors, levels):
        for stack in stacks:
            widgets.jslink((selector, "index"), (stack, "selected_index"))
    return selectors, root


def frame_figure(
    plot: Callable[..., matplotlib.figure.Figure],
    controls: Sequence[Control],
    alt: str | Callable[..., str],
    *,
    max_frames: int = MAX_FRAMES,
    max_bytes: int = MAX_FIGURE_BYTES,
) -> widgets.VBox:
    """An interactive figure whose frames switch in the browser, no kernel needed.

    Arguments are those of :func:`~ketamine_course.core.interactive.render_frames`. Display
    the returned widget (make it the last expression of a cell).

    Examples
    --------
    >>> def plot(theme):
    ...     fig, ax = plt.subplots()
    ...     ax.set_title(theme)
    ...     return fig
    >>> fig = frame_figure(plot, [Control("theme", ["a", "b"], kind="toggle")],
    ...                    alt=lambda theme: f"Empty axes titled {theme}.")
    """
    controls = tuple(controls)  # render_frames validates them
    frames = render_frames(plot, controls, alt, max_frames=max_frames, max_bytes=max_bytes)
    leaves = {key: widgets.HTML(frame.html()) for key, frame in frames.items()}
    selectors, stack = _linked_stacks(controls, leaves)
    return widgets.VBox([*selectors, stack], _dom_classes=["kc-frame-figure"])


#: The lessons' self-check questions, in the package's data (see :func:`self_check_bank`).
SELF_CHECKS = "self_checks.toml"


@functools.cache
def self_check_bank() -> dict[str, dict[str, Any]]:
    """Every self-check of the lessons by label: lesson, question, options, correct, feedback.

    The answers live in the package's data rather than in the notebooks' source, so copies
    of the notebooks handed to students do not carry them.
    """
    with resources.as_file(resources.files("ketamine_course") / "data" / SELF_CHECKS) as file:
        return tomllib.loads(file.read_text(encoding="utf-8"))


def self_check(
    question: str,
    options: Sequence[str] | None = None,
    correct: int | None = None,
    feedback: Sequence[str] | None = None,
) -> widgets.VBox:
    """A multiple-choice question whose feedback appears without a kernel.

    Called with a label alone (``self_check("history-check-1")``), it draws that question of
    :func:`~ketamine_course.core.interactive.self_check_bank`; otherwise it takes the question
    in full.

    Parameters
    ----------
    question
        The question, as plain text, or the label of a question in the bank.
    options
        The answers to choose from (at least two).
    correct
        Position of the right answer in ``options``.
    feedback
        One explanation per option, shown when that option is chosen; say why
        a wrong answer is wrong, not just that it is.
    """
    if options is None and correct is None and feedback is None:
        bank = self_check_bank()
        if question not in bank:
            raise ValueError(
                f"question {question!r} is not a self-check label; the labels are {sorted(bank)}"
            )
        entry = bank[question]
        question, options = entry["question"], entry["options"]
        correct, feedback = entry["correct"], entry["feedback"]
    if options is None or correct is None or feedback is None:
        raise ValueError("give options, correct and feedback, or a self-check label alone")
    options = [str(o) for o in options]
    feedback = [str(f) for f in feedback]
    if not question.strip():
        raise ValueError("question is empty")
    if len(options) < 2:
        raise ValueError(f"options must hold at least two answers, got {len(options)}")
    if len(feedback) != len(options):
        raise ValueError(
            f"feedback has {len(feedback)} entries but options has {len(options)}; they must match"
        )
    if not 0 <= correct < len(options):
        raise ValueError(f"correct must be between 0 and {len(options) - 1}, got {correct}")

    choices = widgets.RadioButtons(
        options=list(zip(options, range(len(options)))),
        index=None,
        description="Answer",
        layout=widgets.Layout(width="auto"),
    )
    messages = []
    for position, text in enumerate(feedback):
        verdict = "Correct." if position == correct else "Not quite."
        css = "kc-feedback-correct" if position == correct else "kc-feedback-wrong"
        messages.append(
            widgets.HTML(
                f'<p class="kc-feedback {css}" role="status"><strong>{verdict}</strong> '
                f"{html.escape(text)}</p>"
            )
        )
    stack = widgets.Stack(messages, selected_index=None)
    widgets.jslink((choices, "index"), (stack, "selected_index"))
    prompt = widgets.HTML(f'<p class="kc-question">{html.escape(question)}</p>')
    return widgets.VBox([prompt, choices, stack], _dom_classes=["kc-self-check"])


#: Label of the choice that keeps every row in :func:`filter_table`.
ALL = "All"


def filter_table(
    table: pd.DataFrame,
    columns: Sequence[str],
    render: Callable[[pd.DataFrame], str],
    *,
    labels: Sequence[str] | None = None,
    max_bytes: int = MAX_FIGURE_BYTES,
) -> widgets.VBox:
    """A table whose rows can be filtered in the browser, no kernel needed.

    One dropdown per column offers "All" and each distinct value of that
    column (in order of first appearance). Every combination of choices is
    rendered while the notebook runs, like the frames of
    :func:`frame_figure`.

    Parameters
    ----------
    table
        The rows to show.
    columns
        The columns to filter on, one dropdown each.
    render
        Turns a subset of ``table`` (possibly empty) into HTML.
    labels
        Text beside each dropdown; defaults to the column names.
    max_bytes
        Page-weight guard: the rendered HTML of all combinations, gzip-compressed.
    """
    import pandas as pd  # loaded already, as the table is a DataFrame

    columns = list(columns)
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"columns {missing} are not in the table; it has {list(table.columns)}")
    labels = list(labels) if labels is not None else columns
    if len(labels) != len(columns):
        raise ValueError(
            f"labels has {len(labels)} entries but columns has {len(columns)}; they must match"
        )
    controls = [
        Control(column, (ALL, *pd.unique(table[column])), kind="dropdown", label=label)
        for column, label in zip(columns, labels)
    ]
    combinations = _value_positions(
        controls,
        MAX_FRAMES,
        "the filters make {n} combinations, more than {max_frames}; filter on fewer columns",
    )
    leaves = {}
    total_bytes = 0
    for positions in combinations:
        keep = pd.Series(True, index=table.index)
        for control, position in zip(controls, positions):
            if position > 0:
                keep &= table[control.name] == control.values[position]
        markup = render(table[keep])
        total_bytes += len(gzip.compress(markup.encode("utf-8"), 6))
        if total_bytes > max_bytes:
            raise ValueError(
                f"the filtered tables exceed max_bytes={max_bytes}; "
                "filter on fewer columns or shorten the cells"
            )
        # On a phone the table scrolls sideways inside this box, which keyboard users can
        # reach (tabindex) and screen readers announce (a named region).
        leaves[positions] = widgets.HTML(
            f'<div class="kc-table-scroll" tabindex="0" role="region" '
            f'aria-label="Filtered table">{markup}</div>'
        )
    selectors, stack = _linked_stacks(controls, leaves)
    return widgets.VBox([*selectors, stack], _dom_classes=["kc-filter-table"])
