"""Graded assignments: every exercise graded by its own checker, no answers handed out, and a
folder of real-looking submissions graded, the broken ones named with their reasons."""

from __future__ import annotations

import ast
import copy
import csv
import logging
import os
import re
import subprocess
import sys
import warnings

import nbformat
import pytest

from conftest import NOTEBOOKS, ROOT
from ketamine_course import grade
from ketamine_course.core.feedback import checkers
from ketamine_course.core.interactive import self_check_bank
from ketamine_course.safety import number_needed_to_harm

sys.path.insert(0, str(ROOT / "scripts"))
import assignments  # noqa: E402
from assignments import check_labels, graded_label  # noqa: E402
from student_notebooks import is_solution, student_copy  # noqa: E402

# One test process builds the assignments and grades the submissions, once.
pytestmark = pytest.mark.xdist_group("assignments")

SCRIPT = ROOT / "scripts" / "assignments.py"
# Lesson 8 runs in about three seconds and asks for a list, a dict and two numbers.
GRADED_LESSON = ROOT / "notebooks" / "08_safety_practice.ipynb"
# The lesson a student hands in by mistake, in the tests of the grader.
OTHER_LESSON = ROOT / "notebooks" / "01_history.ipynb"


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """``make assignments`` into a temporary folder."""
    out = tmp_path_factory.mktemp("assignments")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "build", "--out", str(out)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return out


def read(path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def release_of(course, lesson) -> nbformat.NotebookNode:
    return read(course / "release" / lesson.stem / lesson.name)


def source_of(course, lesson) -> nbformat.NotebookNode:
    return read(course / "source" / lesson.stem / lesson.name)


def graded_labels(notebook) -> list[str]:
    return [label for cell in notebook.cells if (label := graded_label(cell))]


def checked_exercises(lesson) -> list[str]:
    """The labels of the lesson's exercises that have a checker, in reading order."""
    text = "\n".join(c.source for c in read(lesson).cells if c.cell_type == "markdown")
    labels = re.findall(r"^`{3,}\{exercise(?:-start)?\}[^\n]*\n:label: ([\w-]+)", text, re.M)
    return [label for label in labels if label in checkers()]


def test_every_exercise_has_one_graded_cell_right_after_its_answer_cell(course):
    graded = []
    for lesson in NOTEBOOKS:
        for notebook in (source_of(course, lesson), release_of(course, lesson)):
            labels = graded_labels(notebook)
            assert labels == checked_exercises(lesson), lesson.name
            for index, cell in enumerate(notebook.cells):
                if label := graded_label(cell):
                    assert check_labels(notebook.cells[index - 1]) == [label], label
                    assert cell.metadata.nbgrader["points"] == 1
        graded += labels
    assert sorted(graded) == sorted(checkers())


def test_hidden_tests_call_the_checker_and_hold_no_answer(course):
    for lesson in NOTEBOOKS:
        source, release = source_of(course, lesson), release_of(course, lesson)
        hidden = {graded_label(c): c.source for c in source.cells if graded_label(c)}
        shown = {graded_label(c): c.source for c in release.cells if graded_label(c)}
        for label, test in hidden.items():
            # The whole test: the checker, on the student's answers; no value of its own.
            code = test.split("### BEGIN HIDDEN TESTS\n")[1].split("\n### END HIDDEN TESTS")[0]
            assert code == f'from ketamine_course import grade\n\nprint(grade("{label}"))'
            assert shown[label] == test.split("### BEGIN HIDDEN TESTS")[0].rstrip("\n")
            assert "grade(" not in shown[label] and "HIDDEN" not in shown[label]


def solution_code_lines(lesson) -> set[str]:
    """The lines of the lesson's solution code that could give an answer away: those of some
    length that the rest of the lesson does not have."""
    solution, elsewhere = set(), set()
    for cell in read(lesson).cells:
        if cell.cell_type == "code":
            lines = {line.strip() for line in cell.source.splitlines()}
            (solution if is_solution(cell) else elsewhere).update(lines)
    return {
        line
        for line in solution - elsewhere
        if len(line) > 12 and not line.startswith(("#", "print(", "import ", "from ", ")", '"'))
    }


def answer_keys_in(notebook, lesson) -> list[str]:
    """What in ``notebook`` would give away an answer to the lesson's exercises or checks."""
    found = []
    text = "\n".join(cell.source for cell in notebook.cells)
    found += [f"solution cell {i}" for i, cell in enumerate(notebook.cells) if is_solution(cell)]
    found += ["{solution directive"] * ("{solution" in text)
    found += [f"solution code: {line}" for line in solution_code_lines(lesson) if line in text]
    for cell in notebook.cells:
        for call in ast.walk(ast.parse(cell.source) if cell.cell_type == "code" else ast.Module()):
            if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "check":
                for keyword in call.keywords:
                    if not isinstance(keyword.value, ast.Constant) or keyword.value.value != ...:
                        found.append(f"an answer to {call.args[0].value}: {keyword.arg}")
    found += ["a self-check's correct option"] * ("correct=" in text)
    for question in self_check_bank().values():
        if question["lesson"] == lesson.stem and question["feedback"][question["correct"]] in text:
            found.append(f"the feedback of a self-check's correct option: {question['question']}")
    return found


def test_the_answer_key_detector_finds_solutions_and_answers():
    lesson = read(GRADED_LESSON)
    assert len(answer_keys_in(lesson, GRADED_LESSON)) > 5  # the lesson itself has them all
    answered = student_copy(lesson)
    cell = next(c for c in answered.cells if check_labels(c) == ["safety-blood-pressure"])
    cell.source = cell.source.replace("nnh_under_65=...", "nnh_under_65=12")
    assert answer_keys_in(answered, GRADED_LESSON) == [
        "an answer to safety-blood-pressure: nnh_under_65"
    ]


@pytest.mark.parametrize("lesson", NOTEBOOKS, ids=lambda p: p.name)
def test_no_student_or_assignment_copy_holds_an_answer_key(course, lesson):
    assert solution_code_lines(lesson), "a lesson needs solution code for this test to mean much"
    copies = {
        "student copy": student_copy(read(lesson)),
        "assignment for students": release_of(course, lesson),
        "assignment source": source_of(course, lesson),
    }
    for name, notebook in copies.items():
        assert answer_keys_in(notebook, lesson) == [], name


def test_grade_checks_the_last_answers_again(monkeypatch):
    monkeypatch.setattr("ketamine_course.core.feedback._last_answers", {})
    with pytest.raises(AssertionError, match=r'No answer: check\("safety-blood-pressure"'):
        grade("safety-blood-pressure")
    younger = number_needed_to_harm(29, 346, 1, 222)
    older = number_needed_to_harm(12, 72, 1, 65)
    from ketamine_course import check

    check("safety-blood-pressure", nnh_under_65=..., nnh_aged_65_plus=...)
    with pytest.raises(AssertionError, match=r"No answer yet\."):
        grade("safety-blood-pressure")
    check("safety-blood-pressure", nnh_under_65=older, nnh_aged_65_plus=younger)
    with pytest.raises(AssertionError, match="look swapped") as wrong:
        grade("safety-blood-pressure")
    assert f"{younger:.1f}" not in str(wrong.value)  # the feedback does not give the answer
    check("safety-blood-pressure", nnh_under_65=younger, nnh_aged_65_plus=older)
    assert grade("safety-blood-pressure").correct
    with pytest.raises(ValueError, match="exercise must be one of"):
        grade("no-such-exercise")


def test_a_deleted_graded_cell_goes_back_after_its_answer_cell(course):
    release = release_of(course, GRADED_LESSON)
    first, _, last = graded_labels(release)
    submission = copy.deepcopy(release)
    # The first exercise loses its graded cell; the last loses its answer cell too.
    submission.cells = [
        cell
        for cell in submission.cells
        if graded_label(cell) not in (first, last) and check_labels(cell) != [last]
    ]
    problems = assignments.restore_graded_cells(submission, release)
    assert problems == [
        f'the graded cell of "{first}" was deleted; it was put back',
        f'the answer cell of "{last}" (its check cell) was deleted',
        f'the graded cell of "{last}" was deleted; it was put back',
    ]
    assert graded_labels(submission) == graded_labels(release)
    answer = next(i for i, c in enumerate(submission.cells) if check_labels(c) == [first])
    assert graded_label(submission.cells[answer + 1]) == first
    assert graded_label(submission.cells[-1]) == last


# Submissions as students hand them in, made from the lesson and its assignment.


def solution_cells_by_exercise(lesson) -> dict[str, list]:
    """The lesson's solution code cells, by the exercise whose answer cell they follow."""
    groups: dict[str, list] = {}
    exercise = None
    for cell in read(lesson).cells:
        if not is_solution(cell) and check_labels(cell):
            exercise = check_labels(cell)[0]
        elif is_solution(cell) and cell.cell_type == "code":
            groups.setdefault(exercise, []).append(copy.deepcopy(cell))
    return groups


def solved(release, lesson, exercises) -> nbformat.NotebookNode:
    """The assignment with the lesson's solution code back under each of ``exercises``."""
    notebook = copy.deepcopy(release)
    solutions = solution_cells_by_exercise(lesson)
    for label in exercises:
        answer = next(i for i, c in enumerate(notebook.cells) if check_labels(c) == [label])
        notebook.cells[answer + 1 : answer + 1] = solutions[label]
    return notebook


def without(notebook, *, graded=(), answered=()) -> nbformat.NotebookNode:
    """``notebook`` without the graded cells of ``graded`` and all cells of ``answered``."""
    notebook = copy.deepcopy(notebook)
    cells, dropping = [], False
    for cell in notebook.cells:
        label = graded_label(cell)
        if check_labels(cell) and not is_solution(cell) and label is None:
            dropping = check_labels(cell)[0] in answered
        if label is not None:
            keep = label not in graded and label not in answered
            dropping = False
        else:
            keep = not dropping
        if keep:
            cells.append(cell)
    notebook.cells = cells
    return notebook


@pytest.fixture(scope="module")
def graded(course, tmp_path_factory):
    """Submissions of Lesson 8, right, wrong and broken, graded by ``scripts/assignments.py``."""
    lesson = GRADED_LESSON
    release = release_of(course, lesson)
    first, second, third = graded_labels(release)
    folder = tmp_path_factory.mktemp("submissions")
    everything = solved(release, lesson, [first, second, third])
    nbformat.write(everything, folder / "ada.ipynb")

    # Right on the first exercise; a plausible slip on each of the others.
    wrong = solved(release, lesson, [first])
    for cell in wrong.cells:
        if check_labels(cell) == [second]:
            cell.source = cell.source.replace("=...", '={"dissociation": 0.9}')
        if check_labels(cell) == [third]:
            cell.source = cell.source.replace("=...", "=0.25")
    nbformat.write(wrong, folder / "ben.ipynb")

    # A typo in the second exercise's working: that cell raises, the rest still runs.
    raising = copy.deepcopy(everything)
    cell = solution_cells_by_exercise(lesson)[second][0]
    broken = next(c for c in raising.cells if c.source == cell.source)
    broken.source = broken.source.replace("load_acute_effects()", "load_acute_efects()")
    nbformat.write(raising, folder / "cy.ipynb")

    # The first exercise's graded cell deleted (its answer is still there), and every cell of
    # the third exercise deleted.
    nbformat.write(without(everything, graded=[first], answered=[third]), folder / "dee.ipynb")

    # Saved from a text editor under a notebook's name.
    (folder / "eve.ipynb").write_text("My answers: 0.5 and 12\n", encoding="utf-8")

    # The nbgrader layout: a student's folder with the notebook inside an assignment folder.
    (folder / "flo" / lesson.stem).mkdir(parents=True)
    nbformat.write(everything, folder / "flo" / lesson.stem / lesson.name)

    # Another lesson's assignment, handed in by mistake.
    nbformat.write(release_of(course, OTHER_LESSON), folder / "gus.ipynb")

    # All right, with one graded cell pasted twice and a graded cell of another lesson.
    pasted = copy.deepcopy(everything)
    twice = next(c for c in pasted.cells if graded_label(c) == second)
    foreign = next(c for c in release_of(course, OTHER_LESSON).cells if graded_label(c))
    pasted.cells += [copy.deepcopy(twice), copy.deepcopy(foreign)]
    pasted.cells[-2]["id"] = "pasted-copy"  # JupyterLab gives a pasted cell an id of its own
    nbformat.write(pasted, folder / "hal.ipynb")

    out = tmp_path_factory.mktemp("grades")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "grade", "8", str(folder), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    foreign_label = graded_label(foreign)
    return out / lesson.stem, result.stdout, (first, second, third, foreign_label)


@pytest.mark.slow
def test_the_gradebook_gives_each_submission_the_score_it_deserves(graded):
    folder, _, (first, second, third, foreign) = graded
    with (folder / "gradebook.csv").open(newline="", encoding="utf-8-sig") as file:
        rows = {row["student"]: row for row in csv.DictReader(file)}
    assert list(next(iter(rows.values()))) == [
        "student",
        first,
        second,
        third,
        "total",
        "max",
        "problems",
    ]
    scores = {
        student: [row[first], row[second], row[third], row["total"], row["max"]]
        for student, row in rows.items()
    }
    assert scores == {
        "ada": ["1", "1", "1", "3", "3"],
        "ben": ["1", "0", "0", "1", "3"],
        "cy": ["1", "0", "1", "2", "3"],
        "dee": ["1", "1", "0", "2", "3"],
        "eve": ["0", "0", "0", "0", "3"],
        "flo": ["1", "1", "1", "3", "3"],
        "gus": ["0", "0", "0", "0", "3"],
        "hal": ["1", "1", "1", "3", "3"],
    }
    assert rows["ada"]["problems"] == rows["ben"]["problems"] == rows["flo"]["problems"] == ""
    assert "raised NameError: name 'load_acute_efects' is not defined" in rows["cy"]["problems"]
    assert rows["dee"]["problems"] == (
        f'the graded cell of "{first}" was deleted; it was put back; '
        f'the answer cell of "{third}" (its check cell) was deleted; '
        f'the graded cell of "{third}" was deleted; it was put back'
    )
    assert rows["eve"]["problems"] == (
        "eve.ipynb: it is not a notebook (its content is not notebook JSON)"
    )
    assert rows["gus"]["problems"].startswith("this looks like another lesson's notebook")
    assert rows["hal"]["problems"] == (
        f'the graded cell of "{second}" was there twice; the copy was removed; '
        f'a graded cell of "{foreign}", another lesson\'s exercise, was removed'
    )


@pytest.mark.slow
def test_each_student_gets_feedback_text_and_the_broken_are_named(graded):
    folder, printed, (first, second, third, _) = graded
    assert sorted(p.name for p in (folder / "feedback").iterdir()) == [
        f"{name}.txt" for name in ("ada", "ben", "cy", "dee", "eve", "flo", "gus", "hal")
    ]
    ada = (folder / "feedback" / "ada.txt").read_text(encoding="utf-8")
    assert ada.startswith("08_safety_practice: feedback for ada\nScore: 3 of 3\n")
    assert ada.count(": 1 of 1\n    Correct.") == 3 and "Problems" not in ada
    ben = (folder / "feedback" / "ben.txt").read_text(encoding="utf-8")
    assert f"{second}: 0 of 1\n    Not yet." in ben and f"{third}: 0 of 1\n    Not yet." in ben
    cy = (folder / "feedback" / "cy.txt").read_text(encoding="utf-8")
    assert f"{second}: 0 of 1\n    No answer yet." in cy and "raised NameError" in cy
    dee = (folder / "feedback" / "dee.txt").read_text(encoding="utf-8")
    assert f'{third}: 0 of 1\n    No answer: check("{third}", ...) did not run' in dee
    eve = (folder / "feedback" / "eve.txt").read_text(encoding="utf-8")
    assert "Score: 0 of 3" in eve and "not a notebook" in eve
    # The console names every broken submission with its reason.
    assert "eve: 0 of 3\n    eve.ipynb: it is not a notebook" in printed
    assert "cy: 2 of 3\n    cell " in printed


def test_the_instructor_guide_describes_the_grader_as_it_is():
    guide = (ROOT / "book" / "instructor-guide.md").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("assignments", "grade"):
        assert f"\n{target}: " in makefile and f"make {target}" in guide, target
    timeout = assignments.NBGRADER_SETTINGS["Execute"]["timeout"]
    assert f"at most {timeout} seconds per cell" in guide
    assert "### Grading a whole class on a JupyterHub" in guide


def test_two_submissions_of_one_student_or_none_at_all_stop_with_the_reason(
    tmp_path, capsys, monkeypatch
):
    def grade(folder) -> tuple[int, str]:
        """``assignments.py grade 8 folder``, run in this process (a new one would spend about
        3 s importing nbgrader): its exit status and standard error."""
        monkeypatch.setenv("PATH", os.environ["PATH"])  # main() puts its interpreter's first
        traitlets = logging.getLogger("traitlets")
        level = traitlets.level
        with warnings.catch_warnings(), pytest.raises(SystemExit) as stop:
            try:
                assignments.main(["grade", "8", str(folder), "--out", str(tmp_path)])
            finally:
                traitlets.setLevel(level)
        return stop.value.code, capsys.readouterr().err

    twice = tmp_path / "twice"
    (twice / "alice").mkdir(parents=True)
    (twice / "alice.ipynb").write_text("{}", encoding="utf-8")
    status, stderr = grade(twice)
    assert status == 2
    assert "alice and alice.ipynb in" in stderr and "keep one" in stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    status, stderr = grade(empty)
    assert status == 2 and "holds no submission" in stderr
