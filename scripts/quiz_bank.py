"""Export the lessons' self-check questions as a quiz bank for learning platforms.

Writes, into the output folder (default ``_build/quiz-bank``):

``ketamine-course-quiz.zip``
    QTI 1.2, which Canvas, Moodle and Blackboard import, made with text2qti;
``ketamine-course-quiz.txt``
    the same quiz in text2qti's plain-text form, to edit before converting again;
``ketamine-course-quiz.csv`` and ``ketamine-course-quiz.md``
    a plain bank: each question with its lesson, objective, options, correct answer and the
    feedback for every option.

Everything comes from ``ketamine_course/data/self_checks.toml``, the bank the lessons draw
their self-checks from, so there is no second copy of the answers to keep in step. The
files hold the answers: they are for instructors, not for students.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from ketamine_course.core.interactive import self_check_bank

ROOT = Path(__file__).resolve().parents[1]
NAME = "ketamine-course-quiz"
TITLE = "Ketamine: from anesthetic to rapid-acting antidepressant (self-check bank)"


def lesson_number(lesson: str) -> int:
    return int(lesson.split("_", 1)[0])


def questions() -> list[dict]:
    """The bank's questions in lesson order, each with its label."""
    bank = self_check_bank()
    return [
        {"label": label, **entry}
        for label, entry in sorted(bank.items(), key=lambda item: lesson_number(item[1]["lesson"]))
    ]


def question_title(question: dict) -> str:
    lesson = lesson_number(question["lesson"])
    return f"{question['label']} (Lesson {lesson}, objective {question['objective']})"


def _one_line(text: str) -> str:
    # text2qti reads a line break as the end of an item; the bank's texts are single lines.
    if "\n" in text:
        raise ValueError(f"a self-check text spans lines, which text2qti cannot read: {text!r}")
    return text


def text2qti_source(items: list[dict]) -> str:
    """The quiz in text2qti's plain-text form: title, then one question per self-check."""
    lines = [
        f"Quiz title: {TITLE}",
        "Quiz description: The self-check questions of the lessons.",
        "",
    ]
    for number, question in enumerate(items, start=1):
        lines += [f"Title: {question_title(question)}", "Points: 1"]
        lines.append(f"{number}.  {_one_line(question['question'])}")
        for index, (option, feedback) in enumerate(zip(question["options"], question["feedback"])):
            letter = "abcdefghij"[index]
            mark = "*" if index == question["correct"] else ""
            lines.append(f"{mark}{letter}) {_one_line(option)}")
            lines.append(f"... {_one_line(feedback)}")
        lines.append("")
    return "\n".join(lines)


def write_plain_bank(items: list[dict], folder: Path) -> None:
    width = max(len(q["options"]) for q in items)
    header = ["label", "lesson", "objective", "question", "correct_option"]
    header += [f"option_{i + 1}" for i in range(width)]
    header += [f"feedback_{i + 1}" for i in range(width)]
    with (folder / f"{NAME}.csv").open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        for q in items:
            pad = [""] * (width - len(q["options"]))
            writer.writerow(
                [q["label"], q["lesson"], q["objective"], q["question"], q["correct"] + 1]
                + q["options"]
                + pad
                + q["feedback"]
                + pad
            )
    lines = [f"# {TITLE}", ""]
    for q in items:
        lines += [f"## {question_title(q)}", "", q["question"], ""]
        for index, (option, feedback) in enumerate(zip(q["options"], q["feedback"])):
            answer = " **(correct)**" if index == q["correct"] else ""
            lines.append(f"{index + 1}. {option}{answer} — {feedback}")
        lines.append("")
    (folder / f"{NAME}.md").write_text("\n".join(lines), encoding="utf-8")


def write_qti(source: str, folder: Path) -> Path:
    from text2qti.config import Config
    from text2qti.qti import QTI
    from text2qti.quiz import Quiz

    # text2qti's defaults; Config.load() would also write a file into the home folder.
    config = Config()
    quiz = Quiz(source, config=config, source_name=f"{NAME}.txt")
    path = folder / f"{NAME}.zip"
    QTI(quiz).save(path)
    return path


def build(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    items = questions()
    source = text2qti_source(items)
    (folder / f"{NAME}.txt").write_text(source, encoding="utf-8")
    write_plain_bank(items, folder)
    return write_qti(source, folder)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "quiz-bank")
    args = parser.parse_args(argv)
    path = build(args.out)
    print(f"The quiz bank ({len(questions())} questions) is in {args.out}; import {path.name}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
