"""Graded assignments of the lessons for nbgrader, and a grader for a folder of submissions.

``build`` (``make assignments``) writes an nbgrader course directory, by default
``_build/assignments``: for each lesson, ``source/<lesson>/<lesson>.ipynb`` (the instructor's
version) and ``release/<lesson>/<lesson>.ipynb`` (what students get), with the gradebook
database and ``nbgrader_config.py`` beside them. An assignment is the lesson's student copy
(``scripts/student_notebooks.py``: no solution cells, plain Markdown) with one graded cell
after each exercise's ``check(...)`` cell. The graded cell's hidden test calls
``ketamine_course.grade``, which runs the exercise's checker again on the answers
the student's last ``check`` call passed: the checker recomputes the reference values from
the course's models and data, so the tests hold no copy of the answers.

``grade LESSON SUBMISSIONS`` (``make grade``) grades every submission of one lesson with
nbgrader's autograder, each in a fresh kernel, and writes ``gradebook.csv`` (a row per
student, a column per exercise, the total and the maximum) and ``feedback/<student>.txt``
into ``_build/grades/<lesson>/``. A submission is ``SUBMISSIONS/<student>.ipynb``,
``SUBMISSIONS/<student>/<lesson>.ipynb`` or, as nbgrader collects them,
``SUBMISSIONS/<student>/<lesson>/<lesson>.ipynb``. A submission that is not a notebook, lost
cells or raises is graded on what it shows and named with the reason; it never stops the
others from being graded.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import csv
import io
import logging
import os
import re
import shutil
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from sqlalchemy.exc import SAWarning
from traitlets.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parent))
from student_notebooks import (  # noqa: E402
    exercise_numbers,
    lesson_titles,
    student_copy,
)

from ketamine_course.core.feedback import checkers  # noqa: E402
from ketamine_course.core.references import short_citations  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ROOT / "notebooks"
POINTS_PER_EXERCISE = 1

ASSIGNMENT_NOTE = (
    "> **Graded assignment.** This copy of the lesson has no solutions. Answer each exercise "
    "in its `check(...)` cell: replace each `...` with your value, or with a variable that "
    "holds it, and run the cell for feedback. The locked cell after it is graded when you "
    "hand the notebook in: it runs the same checker again on the answers your last `check` "
    "call gave. Before handing in, run the whole notebook (Kernel → Restart Kernel and Run "
    "All Cells), and keep the notebook's name."
)

# nbgrader's settings, for this script and, written into the course directory, for anyone
# who runs nbgrader's own commands (or its formgrader on a hub) there.
NBGRADER_SETTINGS = {
    # A lesson runs in seconds; a minute per cell stops a submission stuck in a loop.
    "Execute": {"timeout": 60},
    # A deleted graded cell is put back and still runs, so a student cannot skip a test.
    "OverwriteCells": {"add_missing_cells": True},
}

_CHECK_CALL = re.compile(r"(?<![\w.])check\(\s*\"([\w-]+)\"")


def check_labels(cell) -> list[str]:
    """The exercises whose ``check("label", ...)`` this code cell calls."""
    return _CHECK_CALL.findall(cell.source) if cell.cell_type == "code" else []


def graded_label(cell) -> str | None:
    """The exercise a graded cell tests (its nbgrader grade id), or None for other cells."""
    nbgrader = cell.get("metadata", {}).get("nbgrader", {})
    return nbgrader.get("grade_id") if nbgrader.get("grade") else None


def graded_cell(label: str) -> nbformat.NotebookNode:
    """The locked cell that grades one exercise; nbgrader hides its test from students."""
    plural = "" if POINTS_PER_EXERCISE == 1 else "s"
    source = (
        f'# Graded ({POINTS_PER_EXERCISE} point{plural}): the checker of "{label}" runs again\n'
        "# on the answers your last check call gave, when your notebook is graded.\n"
        "### BEGIN HIDDEN TESTS\n"
        "from ketamine_course import grade\n"
        "\n"
        f'print(grade("{label}"))\n'
        "### END HIDDEN TESTS"
    )
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {
        "grade": True,
        "grade_id": label,
        "locked": True,
        "points": POINTS_PER_EXERCISE,
        "schema_version": 3,
        "solution": False,
        "task": False,
    }
    return cell


def assignment_source(
    notebook: nbformat.NotebookNode,
    labels: dict[str, str] | None = None,
    titles: dict[str, str] | None = None,
    numbers: dict[str, int] | None = None,
) -> nbformat.NotebookNode:
    """The instructor's version of a lesson's assignment, for ``nbgrader generate_assignment``.

    The lesson's student copy, with a graded cell after each exercise's ``check`` cell.
    """
    source = student_copy(notebook, labels, titles, numbers, note=ASSIGNMENT_NOTE)
    cells = []
    for cell in source.cells:
        cells.append(cell)
        cells += [graded_cell(label) for label in check_labels(cell) if label in checkers()]
    source.cells = cells
    return source


def nbgrader_api(course: Path) -> NbGraderAPI:
    config = Config()
    config.CourseDirectory.root = str(course)
    for section, values in NBGRADER_SETTINGS.items():
        for name, value in values.items():
            setattr(config[section], name, value)
    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


def nbgrader_config_file() -> str:
    lines = [
        "# nbgrader's settings for the course's graded assignments (scripts/assignments.py).",
        "c = get_config()  # noqa: F821",
    ]
    lines += [
        f"c.{section}.{name} = {value!r}"
        for section, values in NBGRADER_SETTINGS.items()
        for name, value in values.items()
    ]
    return "\n".join(lines) + "\n"


def _nbgrader_failure(result: dict) -> str:
    """nbgrader's reason for a failed command: the last error its output names.

    nbgrader's own summary ("Please see the above traceback") points at a log the reader of
    a gradebook does not have, so the error line of that traceback is given instead.
    """
    text = "\n".join((result.get("error") or "", result.get("log") or ""))
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    lines = [line for line in lines if "see the above traceback" not in line.lower()]
    errors = [line for line in lines if re.search(r"\w+(Error|Exception)\b", line)]
    return (errors or lines or ["no reason given"])[-1]


def build_course(course: Path, lessons: list[Path]) -> NbGraderAPI:
    """An nbgrader course directory with each lesson's assignment generated (released)."""
    course.mkdir(parents=True, exist_ok=True)
    (course / "nbgrader_config.py").write_text(nbgrader_config_file(), encoding="utf-8")
    labels, titles, numbers = short_citations(), lesson_titles(LESSONS), exercise_numbers(LESSONS)
    api = nbgrader_api(course)
    for lesson in lessons:
        notebook = nbformat.read(lesson, as_version=4)
        source = course / "source" / lesson.stem / lesson.name
        source.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(assignment_source(notebook, labels, titles, numbers), source)
        result = api.generate_assignment(lesson.stem)
        if not result["success"]:
            raise RuntimeError(
                f"nbgrader could not generate {lesson.stem}: "
                + (result.get("error") or result.get("log", ""))
            )
    return api


def find_lesson(name: str) -> Path:
    """A lesson by its file name, stem or number ("08", "8", "08_safety_practice")."""
    stem = Path(name).stem
    lessons = sorted(LESSONS.glob("*.ipynb"))
    if stem.isdigit():
        found = [path for path in lessons if int(path.stem.split("_")[0]) == int(stem)]
    else:
        found = [path for path in lessons if path.stem == stem]
    if len(found) != 1:
        names = ", ".join(path.stem for path in lessons)
        raise SystemExit(f"error: no lesson {name!r}; give its number or one of {names}")
    return found[0]


@dataclass
class Submission:
    """One student's graded submission of one lesson."""

    student: str
    points: dict[str, float]
    max_points: dict[str, float]
    feedback: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def total(self) -> float:
        return sum(self.points.values())


def find_submissions(folder: Path, lesson: Path) -> dict[str, Path | None]:
    """Each student's submitted notebook, by student name (None: the folder lacks it)."""
    found: dict[str, Path | None] = {}
    where: dict[str, Path] = {}
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_file() and entry.suffix == ".ipynb":
            student, notebook = entry.stem, entry
        elif entry.is_dir():
            student = entry.name
            candidates = [entry / lesson.name, entry / lesson.stem / lesson.name]
            notebook = next((path for path in candidates if path.is_file()), None)
        else:
            continue
        if student in where:
            raise ValueError(
                f"{where[student].name} and {entry.name} in {folder} are both {student}'s "
                "submission; keep one"
            )
        where[student], found[student] = entry, notebook
    if not found:
        raise ValueError(f"{folder} holds no submission (no .ipynb file, no student folder)")
    return found


def read_submission(path: Path) -> nbformat.NotebookNode:
    """The submitted notebook; ValueError, with the reason, when it is not a notebook."""
    try:
        with contextlib.redirect_stderr(io.StringIO()):  # nbformat logs what it raises
            notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
    except nbformat.reader.NotJSONError:
        raise ValueError("it is not a notebook (its content is not notebook JSON)") from None
    except (nbformat.ValidationError, ValueError, KeyError, AttributeError) as error:
        message = str(error).strip().splitlines()[0] if str(error).strip() else type(error)
        raise ValueError(f"it is not a valid notebook ({message})") from None
    except UnicodeDecodeError:
        raise ValueError("it is not a notebook (not UTF-8 text)") from None
    return notebook


def restore_graded_cells(
    notebook: nbformat.NotebookNode, release: nbformat.NotebookNode
) -> list[str]:
    """Make the graded cells those of the release, one each; say what was wrong.

    A graded cell of another lesson's exercise, or a second copy of one, would stop nbgrader
    from grading the notebook at all, so it is removed. A deleted graded cell is put back
    after its exercise's answer cell: nbgrader would put it after the graded cell before it,
    which can be before the student's answer.
    """
    exercises = [label for cell in release.cells if (label := graded_label(cell))]
    problems, kept, seen = [], [], set()
    for cell in notebook.cells:
        label = graded_label(cell)
        if label is not None and label not in exercises:
            problems.append(f'a graded cell of "{label}", another lesson\'s exercise, was removed')
            continue
        if label is not None and label in seen:
            problems.append(f'the graded cell of "{label}" was there twice; the copy was removed')
            continue
        seen.add(label)
        kept.append(cell)
    notebook.cells = kept
    answers = {label for cell in notebook.cells for label in check_labels(cell)}
    other_lesson = bool(answers) and not answers & set(exercises)
    if other_lesson:
        # One reason, rather than every one of this lesson's cells reported missing.
        problems = [
            "this looks like another lesson's notebook: it answers "
            + ", ".join(f'"{label}"' for label in sorted(answers))
            + ", none of this lesson's exercises"
        ]
    for release_cell in release.cells:
        label = graded_label(release_cell)
        if label is None:
            continue
        answered = [i for i, cell in enumerate(notebook.cells) if label in check_labels(cell)]
        if not answered and not other_lesson:
            problems.append(f'the answer cell of "{label}" (its check cell) was deleted')
        if label not in seen:
            position = answered[-1] + 1 if answered else len(notebook.cells)
            notebook.cells.insert(position, copy.deepcopy(release_cell))
            if not other_lesson:
                problems.append(f'the graded cell of "{label}" was deleted; it was put back')
    return problems


def _first_line(source: str) -> str:
    line = next((line for line in source.splitlines() if line.strip()), "")
    return line if len(line) <= 60 else line[:57] + "..."


def read_autograded(notebook: nbformat.NotebookNode, result: Submission) -> None:
    """The checker's message for each exercise, and each other cell that raised."""
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type != "code":
            continue
        errors = [output for output in cell.outputs if output.output_type == "error"]
        label = graded_label(cell)
        if label is not None:
            # The hidden test prints the checker's feedback, or raises it as an AssertionError.
            text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
            if not errors:
                result.feedback[label] = text.strip()
            elif errors[0].ename == "AssertionError":
                result.feedback[label] = errors[0].evalue
            else:
                result.feedback[label] = f"{errors[0].ename}: {errors[0].evalue}"
        elif errors:
            error = errors[0]
            if error.ename == "KeyboardInterrupt":  # how nbgrader stops a cell at its limit
                limit = NBGRADER_SETTINGS["Execute"]["timeout"]
                reason = f"was stopped after {limit} seconds, the limit per cell"
            else:
                reason = f"raised {error.ename}: {error.evalue}"
            result.problems.append(f'cell {number} ("{_first_line(cell.source)}") {reason}')


def grade_submissions(lesson: Path, submissions: Path, out: Path) -> list[Submission]:
    """Grade every submission of ``lesson`` in ``submissions``; write the gradebook."""
    course = out / "course"
    shutil.rmtree(course, ignore_errors=True)  # a fresh course: no grades from an earlier run
    api = build_course(course, [lesson])
    assignment = lesson.stem
    release = nbformat.read(course / "release" / assignment / lesson.name, as_version=4)
    exercises = [label for cell in release.cells if (label := graded_label(cell))]
    max_points = {label: float(POINTS_PER_EXERCISE) for label in exercises}
    results = []
    for student, path in find_submissions(submissions, lesson).items():
        result = Submission(student, dict.fromkeys(exercises, 0.0), max_points)
        results.append(result)
        if path is None:
            result.problems.append(f"no {lesson.name} in the student's folder")
            continue
        try:
            grade_one(api, lesson, release, path, result)
        except Exception as error:  # one submission must never stop the others
            result.points = dict.fromkeys(exercises, 0.0)
            result.problems.append(f"could not be graded: {type(error).__name__}: {error}")
    write_gradebook(results, exercises, out / "gradebook.csv")
    write_feedback(results, lesson, out / "feedback")
    return results


def grade_one(
    api: NbGraderAPI,
    lesson: Path,
    release: nbformat.NotebookNode,
    path: Path,
    result: Submission,
) -> None:
    """Autograde one submission with nbgrader; fill in ``result``."""
    try:
        notebook = read_submission(path)
    except ValueError as error:
        result.problems.append(f"{path.name}: {error}")
        return
    result.problems += restore_graded_cells(notebook, release)
    assignment, student = lesson.stem, result.student
    root = Path(api.coursedir.root)
    submitted = root / "submitted" / student / assignment / lesson.name
    submitted.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, submitted)
    outcome = api.autograde(assignment, student)
    if not outcome["success"]:
        result.problems.append(f"nbgrader could not grade it: {_nbgrader_failure(outcome)}")
        return
    autograded = root / "autograded" / student / assignment / lesson.name
    read_autograded(nbformat.read(autograded, as_version=4), result)
    with Gradebook(api.coursedir.db_url) as gradebook:
        graded = gradebook.find_submission_notebook(assignment, assignment, student)
        for grade in graded.grades:
            result.points[grade.name] = float(grade.score)


def _points(value: float) -> str:
    return f"{value:g}"


def write_gradebook(results: list[Submission], exercises: list[str], path: Path) -> None:
    # With a byte-order mark, spreadsheet programs read the names as UTF-8 (José, not JosÃ©).
    with path.open("w", newline="", encoding="utf-8-sig") as file:
        writer = csv.writer(file)
        writer.writerow(["student", *exercises, "total", "max", "problems"])
        for result in results:
            writer.writerow(
                [
                    result.student,
                    *(_points(result.points[label]) for label in exercises),
                    _points(result.total),
                    _points(sum(result.max_points.values())),
                    "; ".join(result.problems),
                ]
            )


def feedback_text(result: Submission, lesson: Path) -> str:
    maximum = sum(result.max_points.values())
    lines = [
        f"{lesson.stem}: feedback for {result.student}",
        f"Score: {_points(result.total)} of {_points(maximum)}",
        "",
    ]
    for label, points in result.points.items():
        lines.append(f"{label}: {_points(points)} of {_points(result.max_points[label])}")
        message = result.feedback.get(label, "Not graded: see the problems below.")
        lines += [f"    {line}" for line in message.splitlines()]
    if result.problems:
        lines += ["", "Problems with the submission:"]
        lines += [f"- {problem}" for problem in result.problems]
    return "\n".join(lines) + "\n"


def write_feedback(results: list[Submission], lesson: Path, folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)  # no feedback left from an earlier run
    folder.mkdir(parents=True)
    for result in results:
        text = feedback_text(result, lesson)
        (folder / f"{result.student}.txt").write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="write the assignments of every lesson")
    build.add_argument("--out", type=Path, default=ROOT / "_build" / "assignments")
    grade = commands.add_parser("grade", help="grade a folder of submissions of one lesson")
    grade.add_argument("lesson", help='the lesson: its number ("8") or name')
    grade.add_argument("submissions", type=Path, help="the folder of submitted notebooks")
    grade.add_argument("--out", type=Path, default=ROOT / "_build" / "grades")
    args = parser.parse_args(argv)
    # nbgrader's gradebook code trips SQLAlchemy's session warnings on every submission; they
    # say nothing about the submission, so they are kept out of the report.
    warnings.filterwarnings("ignore", category=SAWarning, module="nbgrader")
    # nbgrader runs alembic, which sets up its gradebook, from PATH: find the one installed
    # beside this Python even when the environment is not activated (as in the Makefile).
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])
    # nbgrader logs every step of every submission; its failures are reported below instead.
    logging.getLogger("traitlets").setLevel(logging.ERROR)

    if args.command == "build":
        lessons = sorted(LESSONS.glob("*.ipynb"))
        build_course(args.out, lessons)
        for lesson in lessons:
            release = nbformat.read(args.out / "release" / lesson.stem / lesson.name, 4)
            graded = [label for cell in release.cells if (label := graded_label(cell))]
            print(f"{lesson.stem}: {len(graded)} graded exercise{'' if len(graded) == 1 else 's'}")
        print(f"Assignments for students: {args.out / 'release'}")
        print(f"nbgrader course directory (keep it from students): {args.out}")
        return 0

    if not args.submissions.is_dir():
        parser.error(f"no folder {args.submissions}")
    lesson = find_lesson(args.lesson)
    try:
        find_submissions(args.submissions, lesson)
    except ValueError as error:
        parser.error(str(error))
    out = args.out / lesson.stem
    out.mkdir(parents=True, exist_ok=True)
    results = grade_submissions(lesson, args.submissions, out)
    for result in results:
        maximum = sum(result.max_points.values())
        print(f"{result.student}: {_points(result.total)} of {_points(maximum)}")
        for problem in result.problems:
            print(f"    {problem}")
    print(f"Gradebook: {out / 'gradebook.csv'}; feedback: {out / 'feedback'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
