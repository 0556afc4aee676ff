"""The status page: each notebook's last execution time and the key package versions."""

from __future__ import annotations

import sys

import pytest
from bs4 import BeautifulSoup

from conftest import NOTEBOOKS, ROOT

sys.path.insert(0, str(ROOT / "book" / "_ext"))
from course_versions import package_versions  # noqa: E402

pytestmark = [pytest.mark.book, pytest.mark.slow]


def status_tables(built_html):
    page = BeautifulSoup((built_html / "book" / "status.html").read_text(), "html.parser")
    tables = page.select("article table")
    assert len(tables) == 2, "the status page needs its execution and version tables"
    return [
        [[cell.get_text(strip=True) for cell in row.select("th, td")] for row in table.select("tr")]
        for table in tables
    ]


def test_status_page_times_every_notebook(built_html):
    executions, _ = status_tables(built_html)
    header, *rows = executions
    times = {row[0]: row for row in rows}
    for notebook in NOTEBOOKS:
        row = times[f"notebooks/{notebook.stem}"]
        assert float(row[header.index("Run Time (s)")]) > 0
        assert row[header.index("Status")] == "✅"


def test_status_page_lists_the_versions_the_build_used(built_html):
    _, versions = status_tables(built_html)
    assert versions[0] == ["Package", "Version"]
    assert [tuple(row) for row in versions[1:]] == package_versions()
