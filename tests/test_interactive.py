"""Unit tests of the kernel-free interactive figures and self-checks."""

from __future__ import annotations

import contextlib
import io
import urllib.parse
import xml.etree.ElementTree as ET

import ipywidgets as widgets
import matplotlib as mpl
import matplotlib.lines
import matplotlib.pyplot as plt
import numpy as np
import pytest
from ipywidgets.widgets.widget import _instances as widget_instances
from ipywidgets.widgets.widget_link import Link
from matplotlib.backends.backend_svg import RendererSVG

import ketamine_course.core.interactive as interactive
from ketamine_course import evidence, mechanism, pharmacokinetics
from ketamine_course.core.interactive import (
    MAX_FRAMES,
    SVG_PARAMS,
    Control,
    figure_to_svg,
    frame_figure,
    render_frames,
    self_check,
)
from ketamine_course.core.style import course_style


def line_plot(slope, color="C0"):
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1], [0, slope], color=color)
    ax.set_ylim(-3, 3)
    return fig


def alt_text(slope, color="C0"):
    return f"A {color} line with slope {slope}."


def links_from(source):
    """The targets of the jslinks whose source is the given widget."""
    return [
        w.target[0]
        for w in list(widget_instances.values())
        if isinstance(w, Link) and w.source[0] is source
    ]


def test_one_frame_per_combination_of_values():
    controls = [Control("slope", [-1, 0, 1]), Control("color", ["C0", "C1"], kind="toggle")]
    frames = render_frames(line_plot, controls, alt_text)
    assert sorted(frames) == [(i, j) for i in range(3) for j in range(2)]
    assert frames[(2, 1)].alt == "A C1 line with slope 1."


def test_frames_are_small_valid_svgs_and_differ_with_the_control():
    frames = render_frames(line_plot, [Control("slope", [-2, 2])], alt_text)
    for frame in frames.values():
        root = ET.fromstring(frame.svg)
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert root.get("width") == "216pt"  # 3 inches at 72 points per inch
        assert frame.compressed_size < 6_000
    assert frames[(0,)].svg != frames[(1,)].svg


def test_frame_text_stays_text_with_a_generic_font_fallback():
    svg = render_frames(line_plot, [Control("slope", [1])], "A line.")[(0,)].svg.decode()
    assert "<text" in svg
    assert "sans-serif" in svg


def test_rendering_is_deterministic():
    control = [Control("slope", [1])]
    first = render_frames(line_plot, control, "A line.")[(0,)].svg
    second = render_frames(line_plot, control, "A line.")[(0,)].svg
    assert first == second


def text_heavy_plot(scale, title):
    # Log ticks (math text), constrained layout, a legend and a long title: the text whose
    # sizes decide the layout.
    fig, ax = plt.subplots(figsize=(4, 3), layout="constrained")
    ax.plot([0.1, 1, 10], [1, scale, scale**2], label=f"scale {scale}")
    ax.set(xscale="log", yscale="log", title=title, xlabel="Ketamine (µM)")
    ax.legend()
    return fig


def svg_of(plot, *values):
    fig = plot(*values)
    try:
        return figure_to_svg(fig)
    finally:
        plt.close(fig)


def test_frames_measured_once_per_text_are_identical_to_frames_measured_afresh(monkeypatch):
    measure = RendererSVG.get_text_width_height_descent
    values = [(2, "Opening frame"), (30, "A much longer title than the first"), (2, "Again")]
    shared = [svg_of(text_heavy_plot, *v) for v in values]
    assert RendererSVG.get_text_width_height_descent is measure, "the renderer is restored"
    monkeypatch.setattr(interactive, "_text_metrics_shared_across_frames", contextlib.nullcontext)
    afresh = [svg_of(text_heavy_plot, *v) for v in values]
    assert shared == afresh
    assert shared[0] != shared[1]


def savefig_svg(fig) -> bytes:
    """What matplotlib's own savefig writes for a figure, with the frames' settings."""
    out = io.BytesIO()
    with mpl.rc_context(SVG_PARAMS):
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    return out.getvalue()


def legend_colorbar_and_title():
    fig, (left, right) = plt.subplots(1, 2, figsize=(6, 3), layout="constrained")
    for k in range(3):
        left.plot(np.arange(5), np.arange(5) * k, label=f"line {k}")
    left.legend(loc="best")  # placed when drawn
    image = right.imshow(np.arange(12).reshape(3, 4))
    fig.colorbar(image, ax=right, label="value")
    fig.suptitle("A figure-wide title")
    return fig


def equal_aspect():
    fig, ax = plt.subplots(figsize=(5, 3), layout="constrained")
    ax.plot([0, 1], [0, 3])
    ax.set_aspect("equal")  # applied when drawn
    return fig


def compressed_grid():
    fig, axes = plt.subplots(2, 2, figsize=(4, 4), layout="compressed")
    for ax in axes.flat:
        ax.imshow(np.eye(3))
    return fig


def tight():
    fig, ax = plt.subplots(figsize=(3, 2), layout="tight")
    ax.plot([0, 1], [1, 0])
    ax.set_xlabel("a label")
    return fig


#: Figures of every layout engine and of each topic, built twice: one for each renderer.
FIGURES = {
    "legend, colorbar and title": legend_colorbar_and_title,
    "equal aspect": equal_aspect,
    "compressed": compressed_grid,
    "tight": tight,
    "no layout engine": lambda: line_plot(1),
    "Mg block": lambda: mechanism.plot_mg_block(1.0),
    "E-I circuit": lambda: mechanism.plot_circuit(3.0),
    "routes": lambda: pharmacokinetics.plot_routes("oral", 1.0),
    "events forest": lambda: evidence.plot_binary_forest("risk ratio"),
}


def assert_frame_is_what_savefig_writes(make_figure) -> None:
    """A frame of a figure made twice (one for each renderer) matches savefig's SVG."""
    with course_style():
        ours, theirs = make_figure(), make_figure()
    try:
        assert figure_to_svg(ours) == savefig_svg(theirs)
    finally:
        plt.close(ours)
        plt.close(theirs)


@pytest.mark.parametrize("make_figure", FIGURES.values(), ids=FIGURES.keys())
def test_a_frame_is_exactly_what_savefig_writes(make_figure):
    assert_frame_is_what_savefig_writes(make_figure)


def titled_when_first_drawn():
    fig, ax = plt.subplots(figsize=(3, 2), layout="constrained")
    ax.plot([0, 1], [0, 1])
    draws = []

    def on_draw(event):  # a figure that changes when it is drawn
        draws.append(event)
        if len(draws) == 1:
            ax.set_title("Set when first drawn")

    fig.canvas.mpl_connect("draw_event", on_draw)
    return fig


@pytest.mark.parametrize("bbox", [None, "tight"])
@pytest.mark.parametrize(
    "make_figure", [legend_colorbar_and_title, titled_when_first_drawn], ids=["legend", "event"]
)
def test_a_frame_is_what_savefig_writes_with_any_bounding_box(make_figure, bbox):
    with mpl.rc_context({"savefig.bbox": bbox}):
        assert_frame_is_what_savefig_writes(make_figure)


def test_a_frame_draws_each_artist_once(monkeypatch):
    # savefig's layout pass draws everything with drawing switched off; a frame only lays out.
    draws = []
    draw_line = matplotlib.lines.Line2D.draw
    monkeypatch.setattr(
        matplotlib.lines.Line2D, "draw", lambda line, r: (draws.append(line), draw_line(line, r))
    )
    with course_style():
        fig = legend_colorbar_and_title()
    try:
        figure_to_svg(fig)
    finally:
        plt.close(fig)
    assert draws and len(draws) == len(set(map(id, draws)))
    assert "draw" not in vars(fig), "the figure draws as matplotlib's again"


def test_frame_html_embeds_the_svg_and_escaped_alt_text():
    with course_style():
        fig = line_plot(1)
        svg = figure_to_svg(fig)
    plt.close(fig)
    frames = render_frames(line_plot, [Control("slope", [1])], 'Slope "one" & <up>')
    markup = frames[(0,)].html()
    prefix = '<img class="kc-frame" src="data:image/svg+xml,'
    assert markup.startswith(prefix)
    uri = markup[len(prefix) : markup.index('" alt=')]
    # Nothing in the URI can end the attribute or the widget-state script.
    assert not set(uri) & set('"<>#\n')
    assert urllib.parse.unquote(uri).encode() == svg
    assert 'alt="Slope &quot;one&quot; &amp; &lt;up&gt;"' in markup


def test_figure_nests_one_stack_per_control_and_links_each_level():
    controls = [
        Control("slope", [-1, 0, 1], default=0),
        Control("color", ["C0", "C1"], kind="dropdown"),
    ]
    figure = frame_figure(line_plot, controls, alt_text)
    slope_widget, color_widget, outer = figure.children
    assert isinstance(slope_widget, widgets.SelectionSlider)
    assert isinstance(color_widget, widgets.Dropdown)
    assert isinstance(outer, widgets.Stack)
    assert outer.selected_index == 1  # the default value 0 is the second of three
    assert len(outer.children) == 3
    assert all(isinstance(child, widgets.Stack) for child in outer.children)
    assert all(len(child.children) == 2 for child in outer.children)
    leaf = outer.children[2].children[1]
    assert 'alt="A C1 line with slope 1."' in leaf.value
    # The first control drives the outer stack, the second drives every inner stack.
    assert links_from(slope_widget) == [outer]
    assert set(map(id, links_from(color_widget))) == set(map(id, outer.children))


@pytest.mark.parametrize(
    ("kind", "widget_type"),
    [
        ("slider", widgets.SelectionSlider),
        ("dropdown", widgets.Dropdown),
        ("toggle", widgets.ToggleButtons),
    ],
)
def test_control_kinds_make_labelled_selection_widgets(kind, widget_type):
    control = Control("dose", [1, 2, 3], kind=kind, label="Dose (mg)", value_labels=["a", "b", "c"])
    widget = control.widget()
    assert isinstance(widget, widget_type)
    assert widget.description == "Dose (mg)"
    assert widget.index == 0
    assert [label for label, _ in widget.options] == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "slope", "values": []}, "values of control 'slope' is empty"),
        (
            {"name": "slope", "values": [1], "kind": "knob"},
            "kind of control 'slope' must be one of",
        ),
        ({"name": "2slope", "values": [1]}, "name must be a Python identifier"),
        (
            {"name": "slope", "values": [1, 2], "value_labels": ["one"]},
            "value_labels of control 'slope' has 1 entries but values has 2",
        ),
        ({"name": "slope", "values": [1, 2], "default": 3}, "default of control 'slope' is 3"),
    ],
)
def test_invalid_controls_name_the_problem(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Control(**kwargs)


def test_no_controls_is_an_error():
    with pytest.raises(ValueError, match="controls is empty"):
        render_frames(line_plot, [], alt_text)


def test_duplicate_control_names_are_an_error():
    with pytest.raises(ValueError, match=r"share the name\(s\) \['slope'\]"):
        render_frames(line_plot, [Control("slope", [1]), Control("slope", [2])], alt_text)


def test_too_many_frames_for_the_page_budget_is_an_error():
    controls = [Control("slope", list(range(10))), Control("color", list("ABCDE"))]
    with pytest.raises(ValueError, match=f"50 frames, more than max_frames={MAX_FRAMES}"):
        render_frames(line_plot, controls, alt_text)


def test_frames_over_the_byte_budget_are_an_error():
    with pytest.raises(ValueError, match=r"exceed max_bytes=1000 \(reached \d+ bytes"):
        render_frames(line_plot, [Control("slope", [1, 2])], alt_text, max_bytes=1000)


def test_plot_that_returns_no_figure_is_an_error():
    with pytest.raises(ValueError, match="plot must return a matplotlib Figure, got NoneType"):
        render_frames(lambda slope: None, [Control("slope", [1])], alt_text)


@pytest.mark.parametrize("alt", ["", "   ", lambda slope: ""])
def test_missing_alt_text_is_an_error(alt):
    with pytest.raises(ValueError, match="alt"):
        render_frames(line_plot, [Control("slope", [1])], alt)


def test_self_check_links_choices_to_feedback():
    check = self_check(
        "Which year?", ["1962", "1970"], correct=1, feedback=["That was synthesis.", "Yes."]
    )
    prompt, choices, feedback = check.children
    assert "Which year?" in prompt.value
    assert isinstance(choices, widgets.RadioButtons)
    assert choices.index is None and feedback.selected_index is None
    assert links_from(choices) == [feedback]
    assert "Not quite." in feedback.children[0].value
    assert "That was synthesis." in feedback.children[0].value
    assert "Correct." in feedback.children[1].value


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("", ["a", "b"], 0, ["x", "y"]), "question is empty"),
        (("Q?", ["a"], 0, ["x"]), "at least two answers"),
        (("Q?", ["a", "b"], 0, ["x"]), "feedback has 1 entries but options has 2"),
        (("Q?", ["a", "b"], 2, ["x", "y"]), "correct must be between 0 and 1, got 2"),
    ],
)
def test_invalid_self_checks_name_the_problem(args, message):
    with pytest.raises(ValueError, match=message):
        self_check(*args)
