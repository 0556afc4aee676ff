"""Sphinx extension: keep scripts and figure data from holding up the first paint.

- Every script file a page loads is marked ``defer`` (run in order once the page is
  parsed), except ``documentation_options.js``, which inline scripts in the page read at
  once, and, on the search page, ``doctools.js``: the search page's own template loads
  ``searchtools.js`` without ``defer``, and it calls ``doctools.js``'s ``_ready`` at once.
- The widget state MyST-NB embeds in a page (every frame of every interactive figure,
  often most of the page's bytes) goes to a script beside the page,
  ``<page>.widgets.js``, which the page's widget loader (``widgets-lazy.js``) runs before
  the widget manager when a reader nears a figure. The script adds the state to the page
  in the ``<script type="application/vnd.jupyter.widget-state+json">`` element the manager
  reads, so pages stay readable offline and from disk. The models are listed in view order
  (each widget before the widgets it holds), so a figure's frames sit side by side and
  compress well, whether the notebook ran during the build or came from the execution
  cache, which stores them sorted by their random ids.
- Each widget gets a static copy of its opening state written into the page before it
  (``<div class="kc-static">``): a figure's default frame and its controls' values, a
  self-check's question and options, a table's rows. The copy holds the widget's place and
  shows it at once (and without JavaScript, and in print); ``course.css`` hides it once the
  manager has drawn the live widget. A figure also gets its "Enlarge figure" button
  (``course-figures.js``).
- The small stylesheets extensions add to every page are served as one file,
  ``_static/course-bundle-<hash>.css``, in the same order: fewer requests before the first paint.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from pathlib import Path

from sphinx.builders.html._assets import _CascadingStyleSheet, _JavaScript

KEEP_BLOCKING = ("documentation_options.js",)
KEEP_BLOCKING_ON_SEARCH = (*KEEP_BLOCKING, "doctools.js")
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
VIEW = re.compile(r'<script type="application/vnd\.jupyter\.widget-view\+json">(\{.*?\})</script>')
STATE_SUFFIX = ".widgets.js"
BUNDLE = "_static/course-bundle-{}.css"
MODEL_REFERENCE = re.compile(r"IPY_MODEL_([0-9a-f]+)")


def deferred(script: _JavaScript, keep: tuple[str, ...] = KEEP_BLOCKING) -> _JavaScript:
    """The script marked ``defer``, unless it is inline, already async or deferred, or kept."""
    attributes = dict(script.attributes)
    name = str(script.filename).split("?")[0]
    if not name or name.endswith(keep) or {"async", "defer"} & set(attributes):
        return script
    attributes["defer"] = "defer"
    return _JavaScript(script.filename, priority=script.priority, **attributes)


def in_view_order(state_json: str) -> str:
    """The widget state with its models in view order: each top-level container, then, depth
    first, the widgets it refers to; then the links between widgets and any model left."""
    document = json.loads(state_json)
    models = document.get("state", {})
    refers_to = {
        model_id: MODEL_REFERENCE.findall(json.dumps(model.get("state", {})))
        for model_id, model in models.items()
    }
    referenced = {child for children in refers_to.values() for child in children}
    ordered: dict[str, dict] = {}

    def visit(model_id: str) -> None:
        if model_id in ordered or model_id not in models:
            return
        ordered[model_id] = models[model_id]
        for child in refers_to[model_id]:
            visit(child)

    roots = [model_id for model_id in models if model_id not in referenced]
    # Containers first: a link between two widgets is a root too, but holds nothing.
    roots.sort(key=lambda model_id: "children" not in models[model_id].get("state", {}))
    for model_id in roots + list(models):
        visit(model_id)
    document["state"] = ordered
    return json.dumps(document)


def state_script(state_json: str) -> str:
    """JavaScript that adds a page's widget state to the page, for the widget manager."""
    return (
        "// Widget state of this page (the frames of its interactive figures), run by\n"
        "// widgets-lazy.js before the widget manager.\n"
        "(function () {\n"
        '  var state = document.createElement("script");\n'
        f'  state.type = "{WIDGET_STATE}";\n'
        f"  state.textContent = {json.dumps(in_view_order(state_json))};\n"
        "  document.body.appendChild(state);\n"
        "})();\n"
    )


def _model(state: dict, reference: str) -> dict:
    return state.get(reference.removeprefix("IPY_MODEL_"), {})


def static_widget(state: dict, model: dict) -> str:
    """HTML that shows a widget as it opens: what the widget manager would draw first.

    Containers show their children, a stack its selected child, HTML its value, a
    selection control its label and chosen value, radio buttons their options; other
    widgets show nothing.
    """
    name = model.get("model_name", "")
    values = model.get("state", {})
    children = [_model(state, child) for child in values.get("children", [])]
    if name in ("VBoxModel", "HBoxModel", "BoxModel"):
        classes = " ".join(
            f"kc-static-{c.removeprefix('kc-')}" for c in values.get("_dom_classes", [])
        )
        inner = "".join(static_widget(state, child) for child in children)
        return f'<div class="{classes}">{inner}</div>' if classes else f"<div>{inner}</div>"
    if name == "StackModel":
        index = values.get("selected_index")
        return "" if index is None else static_widget(state, children[index])
    if name == "HTMLModel":
        return f'<div class="kc-static-html">{values.get("value", "")}</div>'
    labels = values.get("_options_labels", [])
    description = html.escape(values.get("description", ""))
    if name == "RadioButtonsModel":
        items = "".join(
            f'<li><input type="radio" disabled aria-label="{html.escape(label)}"> '
            f"{html.escape(label)}</li>"
            for label in labels
        )
        options = f'<ul class="kc-static-options">{items}</ul>'
        return f'<p class="kc-static-label">{description}</p>{options}'
    index = values.get("index")
    if labels and index is not None:
        return (
            f'<div class="kc-static-control"><span>{description}</span>'
            f'<span class="kc-static-value">{html.escape(labels[index])}</span></div>'
        )
    return ""


def with_static_widgets(body: str, state: dict) -> str:
    """The page body with a static copy before each widget view, and figures' Enlarge buttons."""

    def replace(match: re.Match) -> str:
        model = _model(state, json.loads(match.group(1)).get("model_id", ""))
        copy = static_widget(state, model)
        if not copy:
            return match.group(0)
        figure = "kc-frame-figure" in model.get("state", {}).get("_dom_classes", [])
        button = (
            '<button type="button" class="kc-enlarge" hidden>Enlarge figure</button>'
            if figure
            else ""
        )
        return f'<div class="kc-static">{copy}</div>{match.group(0)}{button}'

    return VIEW.sub(replace, body)


def _prepare_page(app, pagename, templatename, context, doctree):
    if "script_files" not in context:
        return
    keep = KEEP_BLOCKING_ON_SEARCH if pagename == "search" else KEEP_BLOCKING
    scripts = [deferred(script, keep) for script in context["script_files"]]
    states = [s for s in scripts if s.attributes.get("type") == WIDGET_STATE]
    if states:
        scripts = [s for s in scripts if s.attributes.get("type") != WIDGET_STATE]
        target = Path(app.builder.outdir) / f"{pagename}{STATE_SUFFIX}"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("".join(state_script(s.attributes["body"]) for s in states))
        state = {}
        for script in states:
            state.update(json.loads(script.attributes["body"]).get("state", {}))
        if "body" in context:
            context["body"] = with_static_widgets(context["body"], state)
        name = Path(pagename).name + STATE_SUFFIX
        context["metatags"] = (
            context.get("metatags", "") + f'\n<meta name="kc-widget-state" content="{name}" />'
        )
    context["script_files"] = scripts
    if app.builder.format == "html":
        _bundle_styles(app, context)


def _bundle_styles(app, context) -> None:
    """Replace the page's stylesheets with the bundle, remembering what it must hold."""
    sheets = [str(css.filename) for css in context.get("css_files", [])]
    local = [name for name in sheets if name.startswith("_static/") and "://" not in name]
    if len(local) < 2:
        return
    # One bundle per distinct list of stylesheets (in practice one for the whole book).
    name = BUNDLE.format(hashlib.sha256("\n".join(local).encode()).hexdigest()[:10])
    bundles = getattr(app.env, "course_bundles", {})
    bundles[name] = local
    app.env.course_bundles = bundles
    kept = [css for css in context["css_files"] if str(css.filename) not in local]
    context["css_files"] = [*kept, _CascadingStyleSheet(name, priority=500)]


def _write_bundles(app, exception):
    if exception is not None or getattr(app.builder, "format", "") != "html":
        return
    outdir = Path(app.builder.outdir)
    for name, sheets in getattr(app.env, "course_bundles", {}).items():
        parts = [f"/* {sheet} */\n" + (outdir / sheet).read_text() for sheet in sheets]
        (outdir / name).write_text("\n".join(parts))


def setup(app):
    # After other extensions (MyST-NB among them) have added their scripts to the page.
    app.connect("html-page-context", _prepare_page, priority=900)
    # After the theme rewrites pygments.css for its light and dark modes (build-finished).
    app.connect("build-finished", _write_bundles, priority=900)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
