"""Launch buttons and the environment that Binder and JupyterHubs build.

The launch buttons are built from the repository's public address in ``_config.yml``. A
fixture book, built with the course's configuration and a stand-in address, shows that the
configured buttons form well-formed URLs that open the lesson's notebook; the built book
itself shows buttons exactly when the address is configured.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from conftest import DEVICES, ROOT, build_fixture_book, download_copy

# The module's fixture book is built once: its tests run in one test process (make test).
pytestmark = pytest.mark.xdist_group("launch-fixture-book")

# A stand-in address for the fixture book; the test checks how links are formed from it.
FIXTURE_REPOSITORY = "https://github.com/course-fixture/ketamine-course"
FIXTURE_HUB = "https://hub.course-fixture.org"
LESSON = "02_glutamate_nmda"


def theme_options() -> dict:
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    return config["sphinx"]["config"]["html_theme_options"]


def launch_links(page: Path) -> dict[str, str]:
    """The launch menu's links on a built page, by button text."""
    html = page.read_text()
    links = {}
    for href, text in re.findall(
        r'<a href="([^"]+)"[^>]*title="Launch on ([A-Za-z]+)"', html.replace("&amp;", "&")
    ):
        links[text] = href
    return links


def header_links(page: Path) -> dict[str, str]:
    """The page header's repository, issue and edit links, by their title."""
    html = page.read_text().replace("&amp;", "&")
    links = {}
    for tag in re.findall(r"<a\b[^>]*>", html):
        title = re.search(r'title="([^"]+)"', tag)
        href = re.search(r'href="([^"]+)"', tag)
        if (
            title
            and href
            and title.group(1) in ("Source repository", "Open an issue", "Suggest edit")
        ):
            links[title.group(1)] = href.group(1)
    return links


@pytest.fixture(scope="module")
def fixture_page(tmp_path_factory) -> Path:
    # The address reaches the build as `make book REPOSITORY_URL=... JUPYTERHUB_URL=...`
    # and the publishing workflow pass it: through the environment, over _config.yml.
    tmp_path = tmp_path_factory.mktemp("launch")
    result = build_fixture_book(
        tmp_path,
        "1 + 1",
        notebook_name=LESSON,
        environment={
            "COURSE_REPOSITORY_URL": FIXTURE_REPOSITORY,
            "COURSE_REPOSITORY_BRANCH": "main",
            "COURSE_JUPYTERHUB_URL": FIXTURE_HUB,
        },
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return tmp_path / "book-src" / "_build" / "html" / "notebooks" / f"{LESSON}.html"


@pytest.mark.book
@pytest.mark.slow
def test_fixture_lesson_links_to_its_repository_issues_and_source(fixture_page):
    assert header_links(fixture_page) == {
        "Source repository": FIXTURE_REPOSITORY,
        "Open an issue": f"{FIXTURE_REPOSITORY}/issues/new?title=Issue%20on%20page%20"
        f"%2Fnotebooks/{LESSON}.html&body=Your%20issue%20content%20here.",
        "Suggest edit": f"{FIXTURE_REPOSITORY}/edit/main/notebooks/{LESSON}.ipynb",
    }


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature fixed by the base class
        pass


@pytest.fixture(scope="module")
def fixture_server(fixture_page):
    """Serve the fixture book on a free local port; yields its base address."""
    html_root = fixture_page.parents[1]
    handler = functools.partial(_QuietHandler, directory=str(html_root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.book
@pytest.mark.slow
@pytest.mark.parametrize("device", sorted(DEVICES))
def test_a_reader_opens_the_launch_and_source_menus(browser, fixture_server, device):
    """On a phone and a laptop, the rocket and repository menus open and offer their links."""
    context = browser.new_context(**DEVICES[device])
    page = context.new_page()
    try:
        page.goto(f"{fixture_server}/notebooks/{LESSON}.html")
        for menu, expected in (
            ("Launch interactive content", {"Binder", "JupyterHub", "Colab"}),
            ("Source repositories", {"Repository", "Suggest edit", "Open issue"}),
        ):
            button = page.get_by_role("button", name=menu)
            assert button.is_visible(), (device, menu)
            button.click()
            items = button.locator("xpath=..").locator(".dropdown-menu a")
            items.first.wait_for(state="visible", timeout=10_000)
            texts = {text.strip() for text in items.all_inner_texts()}
            assert expected <= texts, (device, menu, texts)
            page.keyboard.press("Escape")
        colab = page.locator('.dropdown-launch-buttons a[href*="colab.research.google.com"]')
        assert colab.get_attribute("href").startswith("https://colab.research.google.com/github/")
    finally:
        context.close()


@pytest.mark.book
@pytest.mark.slow
def test_a_malformed_address_stops_the_build_with_its_name(tmp_path):
    result = build_fixture_book(
        tmp_path, "1 + 1", environment={"COURSE_REPOSITORY_URL": "github.com/owner"}
    )
    assert result.returncode != 0
    assert "COURSE_REPOSITORY_URL must look like https://github.com/OWNER/REPO" in (
        result.stdout + result.stderr
    )


def test_make_book_passes_the_address_to_the_build():
    dry_run = subprocess.run(
        [
            "make",
            "-n",
            "book",
            "REPOSITORY_URL=https://github.com/o/r",
            "REPOSITORY_BRANCH=dev",
            "JUPYTERHUB_URL=https://hub.example.edu",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert 'COURSE_REPOSITORY_URL="https://github.com/o/r"' in dry_run
    assert 'COURSE_REPOSITORY_BRANCH="dev"' in dry_run
    assert 'COURSE_JUPYTERHUB_URL="https://hub.example.edu"' in dry_run


@pytest.mark.book
@pytest.mark.slow
def test_fixture_lesson_has_binder_jupyterhub_and_colab_buttons(fixture_page):
    assert set(launch_links(fixture_page)) == {"Binder", "JupyterHub", "Colab"}


@pytest.mark.book
@pytest.mark.slow
def test_binder_link_opens_the_notebook_in_jupyterlab(fixture_page):
    url = urlsplit(launch_links(fixture_page)["Binder"])
    assert (url.scheme, url.netloc) == ("https", "mybinder.org")
    assert url.path == "/v2/gh/course-fixture/ketamine-course/main"
    assert parse_qs(url.query) == {"urlpath": [f"lab/tree/notebooks/{LESSON}.ipynb"]}


@pytest.mark.book
@pytest.mark.slow
def test_jupyterhub_link_pulls_the_repository_with_nbgitpuller(fixture_page):
    url = urlsplit(launch_links(fixture_page)["JupyterHub"])
    assert f"{url.scheme}://{url.netloc}" == FIXTURE_HUB
    assert url.path == "/hub/user-redirect/git-pull"
    assert parse_qs(url.query) == {
        "repo": [FIXTURE_REPOSITORY],
        # nbgitpuller clones into a folder named after the repository.
        "urlpath": [f"lab/tree/ketamine-course/notebooks/{LESSON}.ipynb"],
        "branch": ["main"],
    }


@pytest.mark.book
@pytest.mark.slow
def test_colab_link_opens_the_notebook_from_the_repository(fixture_page):
    url = urlsplit(launch_links(fixture_page)["Colab"])
    assert (url.scheme, url.netloc) == ("https", "colab.research.google.com")
    assert url.path == f"/github/course-fixture/ketamine-course/blob/main/notebooks/{LESSON}.ipynb"


def test_launch_links_point_to_notebooks_that_exist():
    # The buttons name notebooks/<page>.ipynb relative to the repository root.
    assert theme_options()["path_to_docs"] == ""
    assert (ROOT / "notebooks" / f"{LESSON}.ipynb").exists()


@pytest.mark.book
@pytest.mark.slow
def test_built_lessons_have_launch_buttons_exactly_when_the_address_is_set(built_html):
    repository = theme_options()["repository_url"]
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        links = launch_links(built_html / "notebooks" / f"{notebook.stem}.html")
        if not repository:
            assert links == {}, notebook.name
            page = built_html / "notebooks" / f"{notebook.stem}.html"
            assert header_links(page) == {}, notebook.name
            continue
        assert {"Binder", "Colab"} <= set(links), notebook.name
        for href in links.values():
            assert notebook.name in href and urlsplit(href).scheme == "https"


def test_runtime_and_requirements_define_the_environment():
    assert (ROOT / "runtime.txt").read_text().strip() == "python-3.11"
    requirements = (ROOT / "requirements.txt").read_text().splitlines()
    # The pinned packages, then the course package itself.
    assert requirements[-1] == "-e ."
    pins = [line for line in requirements if line and not line.startswith(("#", "-e"))]
    assert all(re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[^=\s]+", pin) for pin in pins)


def test_repo2docker_builds_from_the_repository_as_it_is(tmp_path):
    """repo2docker (Binder, Zero to JupyterHub, The Littlest JupyterHub) reads the repository.

    ``--no-build`` writes the Dockerfile without a container engine: it shows Python 3.11 from
    runtime.txt and the pinned requirements (which install the package) in the image.
    """
    repo2docker = Path(sys.executable).parent / "jupyter-repo2docker"
    # The repository as Binder sees it: its files, no virtual environment or build.
    clone = download_copy(tmp_path / "clone")
    result = subprocess.run(
        [str(repo2docker), "--no-build", "--debug", str(clone)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    output = result.stdout + result.stderr
    assert "python=3.11" in output
    assert 'pip install --no-cache-dir -r "requirements.txt"' in output


def test_installed_package_carries_its_data_and_bibliography(tmp_path):
    """repo2docker and Colab install the package as a copy, away from the repository.

    The copy must load every data file and the bibliography (Lesson 9 labels its sources
    from it) on its own.
    """
    source, wheels, site = tmp_path / "source", tmp_path / "wheels", tmp_path / "site"
    # The package's sources alone, so that no earlier build's file lists take part.
    shutil.copytree(
        ROOT / "ketamine_course",
        source / "ketamine_course",
        symlinks=True,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    for name in ("pyproject.toml", "README.md", "book/references.bib"):
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, source / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(wheels), str(source)], check=True)
    wheel = next(wheels.glob("ketamine_course-*.whl"))
    subprocess.run([*pip, "install", "--no-deps", "--target", str(site), str(wheel)], check=True)
    script = f"""
import sys
sys.path.insert(0, {str(site)!r})
import ketamine_course
from ketamine_course.core import datasets, references
assert ketamine_course.__file__.startswith({str(site)!r}), ketamine_course.__file__
labels = references.short_citations()
assert labels["anis1983dissociative"].startswith("Anis"), labels["anis1983dissociative"]
for name in {sorted(p.name for p in (ROOT / "ketamine_course" / "data").glob("*.csv"))!r}:
    assert len(datasets.read_table(name)) > 0, name
from ketamine_course.core.interactive import self_check_bank
assert len(self_check_bank()) >= 19
print(len(labels))
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr[-3000:]
    bib = (ROOT / "book" / "references.bib").read_text()
    assert int(result.stdout) == bib.count("\n@") + bib.startswith("@")
