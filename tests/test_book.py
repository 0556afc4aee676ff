"""The built book: it builds clean, has its pages and loads nothing from other hosts."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from jupyter_cache import get_cache
from jupyter_cache.cache.db import NbCacheRecord, session_context

from conftest import ROOT, build_fixture_book, jupyter_book_command

sys.path.insert(0, str(ROOT / "book" / "_ext"))
from course_loading import in_view_order  # noqa: E402
from course_parallel_execution import available_cores  # noqa: E402

pytestmark = [pytest.mark.book, pytest.mark.slow]


def toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [chapter["file"] for chapter in part["chapters"]]
    return files


def html_pages(built_html: Path) -> list[Path]:
    return [built_html / f"{name}.html" for name in toc_files()]


def widget_state_file(built_html: Path, name: str) -> Path:
    """The script beside a page that holds its widget state (see book/_ext/course_loading.py)."""
    return built_html / f"{name}.widgets.js"


def page_and_widgets(built_html: Path, name: str) -> str:
    """A page's HTML followed by its widget state, which holds its figures and self-checks."""
    text = (built_html / f"{name}.html").read_text()
    state = widget_state_file(built_html, name)
    return text + (state.read_text() if state.is_file() else "")


class ResourceCollector(HTMLParser):
    """Collects every address an HTML page makes the browser load."""

    # (tag, attribute) pairs that load a resource, as opposed to a plain link.
    LOADING = {
        ("script", "src"),
        ("img", "src"),
        ("img", "srcset"),
        ("iframe", "src"),
        ("source", "src"),
        ("source", "srcset"),
        ("video", "src"),
        ("video", "poster"),
        ("audio", "src"),
        ("embed", "src"),
        ("object", "data"),
        ("track", "src"),
        ("input", "src"),
    }
    LOADING_LINK_RELS = {
        "stylesheet",
        "icon",
        "preload",
        "modulepreload",
        "prefetch",
        "manifest",
        "apple-touch-icon",
        "shortcut",
    }

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attributes.items():
            if value and (tag, name) in self.LOADING:
                self.urls += [part.strip().split(" ")[0] for part in value.split(",")]
        rels = set((attributes.get("rel") or "").lower().split())
        if tag == "link" and rels & self.LOADING_LINK_RELS and attributes.get("href"):
            self.urls.append(attributes["href"])
        style = attributes.get("style") or ""
        self.urls += re.findall(r"url\(['\"]?([^'\")]+)", style)


def foreign_urls(urls: list[str]) -> list[str]:
    """The addresses that point to another host (data: URIs and relative paths are fine)."""
    return [u for u in urls if urlparse(u).scheme not in ("", "data") or u.startswith("//")]


def test_book_builds_with_warnings_as_errors(book_build):
    result, _ = book_build
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "build succeeded" in result.stdout


def test_every_page_in_the_table_of_contents_is_built(built_html):
    for page in html_pages(built_html):
        assert page.is_file(), f"{page.name} is missing from the built book"


def test_title_author_and_copyright_are_the_courses(built_html):
    intro = (built_html / "book" / "intro.html").read_text()
    assert "Ketamine: from anesthetic to rapid-acting antidepressant" in intro
    assert "The Ketamine Course authors" in intro
    assert "2026" in intro


def test_every_page_carries_the_educational_disclaimer(built_html):
    for page in html_pages(built_html):
        assert "Nothing in this course is medical advice" in page.read_text(), page.name


def test_no_page_loads_anything_from_another_host(built_html):
    offenders = {}
    for page in sorted(built_html.rglob("*.html")):
        collector = ResourceCollector()
        collector.feed(page.read_text(errors="replace"))
        foreign = foreign_urls(collector.urls)
        if foreign:
            offenders[str(page.relative_to(built_html))] = foreign
    assert offenders == {}


def test_no_stylesheet_imports_from_another_host(built_html):
    offenders = {}
    for sheet in sorted(built_html.rglob("*.css")):
        text = sheet.read_text(errors="replace")
        urls = re.findall(r"url\(\s*['\"]?([^'\")]+)", text)
        urls += re.findall(r"@import\s+['\"]([^'\"]+)", text)
        foreign = foreign_urls(urls)
        if foreign:
            offenders[str(sheet.relative_to(built_html))] = foreign
    assert offenders == {}


def test_the_offline_check_catches_a_foreign_script():
    collector = ResourceCollector()
    collector.feed(
        '<script src="https://cdn.example.org/x.js"></script>'
        '<link rel="stylesheet" href="//fonts.example.org/a.css">'
        '<a href="https://example.org/paper">a paper</a>'
        '<img src="data:image/png;base64,AAAA"><script src="../_static/y.js"></script>'
    )
    assert foreign_urls(collector.urls) == [
        "https://cdn.example.org/x.js",
        "//fonts.example.org/a.css",
    ]


def test_widget_and_math_scripts_are_served_by_the_book(built_html):
    page = (built_html / "notebooks" / "01_history.html").read_text()
    # The page loads a small loader; it fetches these three from the book when needed.
    assert '<script defer="defer" src="../_static/widgets-lazy.js' in page
    loader = (built_html / "_static" / "widgets-lazy.js").read_text()
    for script in ("vendor/require.js", "widgets-paths.js", "vendor/html-manager/embed-amd.js"):
        assert f'"{script}"' in loader
        assert (built_html / "_static" / script).is_file()
    assert (built_html / "_static/vendor/mathjax/tex-mml-chtml.js").is_file()
    assert '<meta name="kc-widget-state" content="01_history.widgets.js"' in page
    state = widget_state_file(built_html, "notebooks/01_history").read_text()
    assert "application/vnd.jupyter.widget-state+json" in state


def test_widget_scripts_load_only_on_pages_with_widgets(built_html):
    intro = (built_html / "book" / "intro.html").read_text()
    assert "widgets-lazy.js" not in intro
    assert "embed-amd.js" not in intro


def test_citations_resolve_to_the_bibliography(built_html):
    bibliography = (built_html / "book" / "bibliography.html").read_text()
    history = (built_html / "notebooks" / "01_history.html").read_text()
    assert "Anis" in bibliography and "10.1111/j.1476-5381.1983.tb11031.x" in bibliography
    assert 'href="../book/bibliography.html#id' in history or "bibliography.html#" in history


def test_solutions_are_hidden_until_revealed(built_html):
    history = (built_html / "notebooks" / "01_history.html").read_text()
    solutions = re.findall(r'<div[^>]*class="[^"]*\bsolution\b[^"]*"', history)
    assert len(solutions) >= 2
    assert all("dropdown" in tag for tag in solutions), solutions


def test_no_unfinished_text_in_the_book(built_html):
    pattern = re.compile(r"\b(TODO|TBD|coming soon|lorem ipsum|placeholder)\b", re.IGNORECASE)
    for page in html_pages(built_html):
        # Reader-visible text only: scripts hold widget state with a "placeholder" field.
        text = re.sub(r"<(script|style)\b.*?</\1>", " ", page.read_text(), flags=re.S)
        text = re.sub(r"<[^>]+>", " ", text)
        assert not pattern.search(text), f"{page.name}: {pattern.search(text).group(0)}"


def test_a_cell_that_raises_fails_the_build(tmp_path):
    result = build_fixture_book(tmp_path, "1 / 0")
    assert result.returncode != 0
    assert "[mystnb.exec]" in result.stderr
    report = tmp_path / "book-src/_build/html/reports/notebooks/fixture.err.log"
    assert "ZeroDivisionError" in report.read_text()


@pytest.mark.skipif(
    available_cores() < 2, reason="notebooks run side by side only on two or more cores"
)
def test_notebooks_run_side_by_side_and_a_failing_one_is_still_reported(tmp_path):
    result = build_fixture_book(tmp_path, "1 / 0", more_notebooks={"second": "print(2)"})
    assert f"Executing 2 notebooks, 2 at a time, on {available_cores()} cores" in result.stdout
    # The notebook that ran is taken from the cache; the failing one is run again by
    # MyST-NB, which fails the build and writes its report, as with one notebook.
    assert re.search(r"second\.ipynb: Using cached notebook", result.stdout), result.stdout
    assert not re.search(r"second\.ipynb: Executing notebook", result.stdout)
    assert result.returncode != 0
    report = tmp_path / "book-src/_build/html/reports/notebooks/fixture.err.log"
    assert "ZeroDivisionError" in report.read_text()


def test_a_cached_run_older_than_the_package_runs_again(tmp_path):
    first = build_fixture_book(tmp_path, "print(1)", more_notebooks={"second": "print(2)"})
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    book = tmp_path / "book-src"
    cache = get_cache(book / "_build" / ".jupyter_cache")
    # As if the package had changed since the second notebook ran.
    (record,) = [r for r in cache.list_cache_records() if r.uri.endswith("second.ipynb")]
    with session_context(cache.db) as session:
        session.query(NbCacheRecord).filter_by(pk=record.pk).update(
            {"created": datetime(2000, 1, 1)}
        )
        session.commit()
    again = subprocess.run(
        jupyter_book_command("build", str(book), "--warningiserror", "--nitpick", "--keep-going"),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    assert "Cached results older than the package: 1;" in again.stdout
    # Run again, alone, by the extension (one notebook at a time), into the cache.
    assert "Executing 1 notebook, 1 at a time" in again.stdout
    assert re.search(r"Executed second\.ipynb in", again.stdout), again.stdout
    # The unchanged first page is not read again; the new run replaces the old one.
    assert "fixture.ipynb" not in again.stdout
    (renewed,) = [r for r in cache.list_cache_records() if r.uri.endswith("second.ipynb")]
    assert renewed.created > datetime(2000, 1, 1)


def test_the_fixture_book_builds_when_no_cell_raises(tmp_path):
    # The control for the test above: the same book, a cell that runs.
    result = build_fixture_book(tmp_path, "1 / 1")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def widget_models(built_html: Path, name: str) -> dict[str, dict]:
    """The widget models of a page, in the order its widget-state script lists them."""
    script = widget_state_file(built_html, name).read_text()
    text = re.search(r"state\.textContent = (\".*?\");\n", script).group(1)
    return json.loads(json.loads(text))["state"]


def test_widget_state_lists_each_widget_before_the_widgets_it_holds(built_html):
    # So that a figure's frames sit side by side and the page compresses well, whether the
    # notebook ran in the build or came from the execution cache (which sorts them by id).
    for name in toc_files():
        if not widget_state_file(built_html, name).is_file():
            continue
        models = widget_models(built_html, name)
        position = {model_id: index for index, model_id in enumerate(models)}
        for model_id, model in models.items():
            for child in model["state"].get("children", []):
                child_id = child.removeprefix("IPY_MODEL_")
                assert position[child_id] > position[model_id], (name, model_id, child_id)


def test_view_order_puts_holders_first_and_keeps_every_model():
    state = {
        "version_major": 2,
        "state": {
            "a": {"state": {"value": "frame 1"}},
            "b": {"state": {"children": ["IPY_MODEL_c", "IPY_MODEL_a"]}},
            "c": {"state": {"value": "frame 0"}},
            "d": {"state": {"source": ["IPY_MODEL_a", "index"], "target": ["IPY_MODEL_c", "x"]}},
        },
    }
    ordered = json.loads(in_view_order(json.dumps(state)))
    assert list(ordered["state"]) == ["b", "c", "a", "d"]
    assert ordered["state"] == state["state"] and ordered["version_major"] == 2
