"""The package's layout and which way its imports run.

Each topic (history, mechanism, pharmacokinetics, evidence, safety, claims) is a subpackage
with its model(s), ``figures`` and ``exercises``; the shared machinery is ``core``. A topic
may use the shared machinery and other topics' models, never another topic's figures or
checkers; the shared machinery uses no topic at all. Imports are read from the source with
``ast``, at any depth (inside functions too), absolute and relative.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = "ketamine_course"
SHARED = "core"
#: A topic's modules that no other topic may import.
TOPIC_ONLY = ("figures", "exercises")


def topics(root: Path) -> list[str]:
    """The package's subpackages other than the shared machinery."""
    return sorted(
        path.name
        for path in (root / PACKAGE).iterdir()
        if (path / "__init__.py").is_file() and path.name != SHARED
    )


def module_name(root: Path, path: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module(root: Path, name: str) -> bool:
    path = root.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imports(root: Path, path: Path) -> Iterator[tuple[int, str, str]]:
    """Each import in a file: its line, the statement and the module it imports.

    ``from package import name`` imports the module ``package.name`` when there is one
    (``from ketamine_course.evidence import figures``), and ``package`` otherwise.
    """
    here = module_name(root, path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, ast.unparse(node), alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                source = f"{base}.{node.module}" if node.module else base
            else:
                source = node.module
            for alias in node.names:
                candidate = f"{source}.{alias.name}"
                yield (
                    node.lineno,
                    ast.unparse(node),
                    (candidate if is_module(root, candidate) else source),
                )


def layout_violations(root: Path) -> list[str]:
    """Every import of the package that runs against the layout, with where it is."""
    names = topics(root)
    found = []
    for path in sorted((root / PACKAGE).rglob("*.py")):
        parts = module_name(root, path).split(".")
        owner = parts[1] if len(parts) > 1 else None
        for line, statement, target in imports(root, path):
            target_parts = target.split(".")
            if target_parts[0] != PACKAGE or len(target_parts) < 2:
                continue
            topic = target_parts[1]
            if topic not in names or owner not in (SHARED, *names) or topic == owner:
                continue
            where = f"{path.relative_to(root)}:{line} ({statement})"
            if owner == SHARED:
                found.append(
                    f"{where}: the shared machinery imports the topic {PACKAGE}.{topic}; "
                    "topics import it, not the other way round"
                )
            elif len(target_parts) == 2:
                found.append(
                    f"{where}: {owner} imports the package {target}, whose names include its "
                    f"figures; import another topic's model module ({target}.model) instead"
                )
            elif target_parts[2] in TOPIC_ONLY:
                found.append(
                    f"{where}: {owner} imports {target}, another topic's {target_parts[2]}"
                )
    return found


def test_no_import_runs_against_the_layout():
    violations = layout_violations(ROOT)
    assert not violations, "\n".join(violations)


def test_the_layout_check_finds_each_kind_of_forbidden_import(tmp_path):
    files = {
        "__init__.py": "",
        "core/__init__.py": "",
        "core/feedback.py": """
            from ketamine_course.history.model import load_timeline

            def lazily():
                from ..evidence import model
            """,
        "core/style.py": "from ketamine_course import safety",
        "history/__init__.py": "",
        "history/model.py": "",
        "history/figures.py": "from ketamine_course.evidence.figures import plot_pooled",
        "evidence/__init__.py": "",
        "evidence/model.py": "from ketamine_course.history.model import load_timeline",
        "evidence/figures.py": "from ..history import figures",
        "evidence/exercises.py": """
            def checker():
                import ketamine_course.history.exercises
                from ketamine_course.history import load_timeline
            """,
        "safety/__init__.py": "",
        "safety/model.py": "from ..evidence.model import load_trials\nfrom .figures import x",
        "safety/figures.py": "",
    }
    for name, source in files.items():
        path = tmp_path / PACKAGE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))

    found = layout_violations(tmp_path)

    expected = [
        ("core/feedback.py:2", "shared machinery imports the topic ketamine_course.history"),
        ("core/feedback.py:5", "shared machinery imports the topic ketamine_course.evidence"),
        ("core/style.py:1", "shared machinery imports the topic ketamine_course.safety"),
        ("evidence/exercises.py:3", "imports ketamine_course.history.exercises"),
        ("evidence/exercises.py:4", "imports the package ketamine_course.history"),
        ("evidence/figures.py:1", "imports ketamine_course.history.figures"),
        ("history/figures.py:1", "imports ketamine_course.evidence.figures"),
    ]
    assert len(found) == len(expected), "\n".join(found)
    for message, (where, what) in zip(found, expected):
        assert message.startswith(f"{PACKAGE}/{where} (") and what in message, message


def test_each_topic_has_figures_exercises_and_a_model():
    for topic in topics(ROOT):
        modules = {path.stem for path in (ROOT / PACKAGE / topic).glob("*.py")}
        assert {"__init__", *TOPIC_ONLY} <= modules, topic
        assert modules - {"__init__", *TOPIC_ONLY}, f"{topic} has no model module"


def public_definitions(path: Path) -> list[str]:
    """The public names a module defines at its top level (not those it imports)."""
    names = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.append(node.name)
        elif isinstance(node, ast.Assign):
            names += [target.id for target in node.targets if isinstance(target, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.append(node.target.id)
    return [name for name in names if not name.startswith("_")]


@pytest.mark.parametrize("topic", topics(ROOT))
def test_a_topic_exports_every_public_name_of_its_models_and_figures(topic):
    package = importlib.import_module(f"{PACKAGE}.{topic}")
    defined = {
        name
        for path in (ROOT / PACKAGE / topic).glob("*.py")
        if path.stem not in ("__init__", "exercises")
        for name in public_definitions(path)
    }
    assert sorted(package.__all__) == sorted(defined)
    for name in package.__all__:
        assert getattr(package, name) is not None, name


def test_checking_an_answer_imports_the_checkers_and_no_topic_model():
    code = (
        "import sys, ketamine_course\n"
        "ketamine_course.check('pk-time-above', infusion_min_above=..., bolus_min_above=...)\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    for topic in topics(ROOT):
        assert f"{PACKAGE}.{topic}.exercises" in loaded, topic
        own = [name for name in loaded if name.startswith(f"{PACKAGE}.{topic}.")]
        assert own == [f"{PACKAGE}.{topic}.exercises"], own
    # Each lesson's kernel pays for what the first check() imports.
    assert not {"statsmodels", "pandas", "scipy"} & set(loaded)


def modules_loaded_by(code: str) -> set[str]:
    """The modules a fresh interpreter has loaded after running ``code``."""
    script = f"import sys\n{code}\nprint(' '.join(sorted(sys.modules)))\n"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(result.stdout.split())


@pytest.mark.parametrize(
    ("code", "not_loaded"),
    [
        # Every lesson's first import; only Lesson 9 makes a filtered table with pandas.
        ("from ketamine_course import Control, check, frame_figure, self_check", {"pandas"}),
        # Lesson 9 reads the trials but pools none; the book's API page imports the module.
        (
            "from ketamine_course.evidence.model import load_trials; load_trials()",
            {"statsmodels", "scipy.stats"},
        ),
    ],
)
def test_a_lesson_imports_no_heavy_library_it_does_not_use(code, not_loaded):
    """Each of these costs 0.3 to 1 s of every build's notebook run where it is imported."""
    assert not not_loaded & modules_loaded_by(code)
