"""Build lesson and exercise notebooks with correct nbgrader metadata.

The notebooks in ``lessons/`` and ``solutions/`` are the source of truth and may be
edited in JupyterLab; this module is for writing a new one (or a new question) without
hand-writing cell metadata. Every builder returns plain ``nbformat`` cells.

Example::

    from qicourse import authoring as a
    cells = [a.exercise_header("01-what-qi-is", "What qualified immunity is"),
             a.setup_cell("m01"), a.md("## Part A"),
             *a.graded_single("m01_q1", "…?", {"a": "…", "b": "…"}, key="b", points=1,
                              objective="M01.1", explanations={"a": "…", "b": "…"},
                              misconceptions={"a": "subjective-good-faith"})]
    a.write(a.notebook(cells), "solutions/01-what-qi-is/01-what-qi-is.ipynb")
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any, Mapping, Sequence

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from .questions import CODE_EXAMPLE_MULTI, CODE_EXAMPLE_SINGLE

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


# ----------------------------------------------------------------- literal source
def lit(obj: Any, indent: int = 0) -> str:
    """Python source for a literal, one dict item or list item per line when long."""
    pad = " " * indent
    if isinstance(obj, Mapping):
        if not obj:
            return "{}"
        items = [f'{pad}    {lit(k)}: {lit(v, indent + 4)},' for k, v in obj.items()]
        return "{\n" + "\n".join(items) + f"\n{pad}}}"
    if isinstance(obj, (list, tuple)):
        inner = ", ".join(lit(v, indent + 4) for v in obj)
        if len(inner) < 70 and "\n" not in inner:
            return f"[{inner}]"
        items = [f"{pad}    {lit(v, indent + 4)}," for v in obj]
        return "[\n" + "\n".join(items) + f"\n{pad}]"
    if isinstance(obj, str):
        return json.dumps(obj, ensure_ascii=False)  # a JSON string is a valid Python literal
    return repr(obj)


def call(func: str, *args: Any, **kwargs: Any) -> str:
    parts = [f"    {lit(a, 4)}," for a in args]
    parts += [f"    {k}={lit(v, 4)}," for k, v in kwargs.items() if v is not None]
    return f"{func}(\n" + "\n".join(parts) + "\n)"


# -------------------------------------------------------------------------- cells
def _nbg(cell, *, grade_id, grade=False, solution=False, locked=False, points=None, task=False):
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": task}
    if grade or task:
        meta["points"] = points
    cell.metadata["nbgrader"] = meta
    return cell


def hide_source(cell):
    """Collapse a cell's input in JupyterLab: the learner sees the widget, not its code
    (a practice question's source holds its answer)."""
    cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
    return cell


def md(text: str) -> nbformat.NotebookNode:
    return new_markdown_cell(textwrap.dedent(text).strip())


def code(source: str) -> nbformat.NotebookNode:
    return new_code_cell(textwrap.dedent(source).strip())


def locked_md(grade_id: str, text: str):
    return _nbg(md(text), grade_id=grade_id, locked=True)


def locked_code(grade_id: str, source: str):
    return _nbg(code(source), grade_id=grade_id, locked=True)


def exercise_header(assignment: str, title: str, minutes: int, objectives: Sequence[str]) -> nbformat.NotebookNode:
    objs = "\n        ".join(f"- {o}" for o in objectives)  # keep the f-string's indent: dedent below
    return locked_md("header", f"""
        # Exercise {assignment}: {title}

        *Time: about {minutes} minutes. Law stated as of 2026. This is general legal education, not legal advice.*

        **Objectives assessed:**
        {objs}

        **How to work:**
        1. Run the notebook from the top (**Run → Run All Cells**).
        2. Answer each quiz by clicking a choice, or in any code cell with `answer("question_id", "b")`
           (for select-all questions: `answer("question_id", ["a", "c"])`). Each answer is saved
           at once in `qicourse-answers.json` beside this notebook and shown as a receipt.
           Quizzes here never say whether you are right: the feedback after grading explains every answer.
        3. Write the written answers where it says `YOUR ANSWER HERE` (and any code answers
           where it says `# YOUR CODE HERE`).
        4. Before you submit: **Kernel → Restart Kernel and Run All Cells**, check that every
           receipt shows your answer, then save. Submit the whole folder, or just this
           notebook (for example to an LMS): your answers travel inside it.
        5. To see your score and feedback before submitting (self-paced learners):
           `qicourse check {assignment}` in a terminal.
    """)


def lesson_setup_cell() -> nbformat.NotebookNode:
    return code("""
        # Run this first. It loads the course's practice quizzes and data.
        from qicourse import check, cite, load_cases, practice, show_fact_pattern
    """)


def setup_cell(prefix: str) -> nbformat.NotebookNode:
    return locked_code(f"{prefix}_setup", """
        # Run this first. It loads the course's quiz and data tools.
        from qicourse import answer, load_cases, multiple_select, show_fact_pattern, single_choice
    """)


def fact_pattern_cell(grade_id: str, pattern_id: str, variant: str | None = None):
    args = f'"{pattern_id}"' + (f', "{variant}"' if variant else "")
    return locked_code(grade_id, f"show_fact_pattern({args})")


def _points_line(qid, points, objective, how):
    return f'"""{qid} · {points:g} point{"s" if points != 1 else ""} · objective {objective} · {how}"""'


def graded_single(qid: str, prompt: str, choices: Mapping[str, str], *, key, points: float, objective: str,
                  explanations: Mapping[str, str], misconceptions: Mapping[str, str] | None = None,
                  pair: Mapping[str, Any] | None = None, alternatives_note: str | None = None) -> list:
    """A single-choice question cell and its graded test cell.

    ``key`` is a letter, or a list of letters where more than one answer is defensible.
    ``pair={"with": "m01_q5", "notes": {"a+b": "…", "*": "…"}}`` explains, in feedback,
    how this answer relates to the answer of a linked question ("<other>+<this>").
    ``alternatives_note`` says why several keys are accepted (default "the law here is unsettled").
    """
    return _graded("single_choice", "grade_choice", qid, prompt, choices, key=key, points=points,
                   objective=objective, explanations=explanations, misconceptions=misconceptions, pair=pair,
                   alternatives_note=alternatives_note)


def graded_multi(qid: str, prompt: str, choices: Mapping[str, str], *, key: Sequence[str], points: float,
                 objective: str, explanations: Mapping[str, str],
                 misconceptions: Mapping[str, str] | None = None) -> list:
    """A select-all-that-apply question (partial credit: right picks minus wrong picks)."""
    return _graded("multiple_select", "grade_multi", qid, prompt, choices, key=sorted(key), points=points,
                   objective=objective, explanations=explanations, misconceptions=misconceptions, pair=None,
                   alternatives_note=None)


def _graded(show, grade, qid, prompt, choices, *, key, points, objective, explanations, misconceptions, pair,
            alternatives_note):
    missing = [c for c in choices if c not in explanations]
    if missing:
        raise ValueError(f"{qid}: every choice needs an explanation; missing {missing}")
    # A placeholder, not a real letter: an example letter could read as a hint to the key.
    example = CODE_EXAMPLE_MULTI if show == "multiple_select" else CODE_EXAMPLE_SINGLE
    answer_src = lit(sorted(key) if isinstance(key, list) and show == "multiple_select"
                     else (key if isinstance(key, str) else key[0]))
    question = _nbg(code(
        call(show, qid, prompt, dict(choices), objective=objective)
        + f"\n# To answer in code instead of clicking: answer(\"{qid}\", {example})"
        + f"\n### BEGIN SOLUTION\nanswer(\"{qid}\", {answer_src})\n### END SOLUTION"
    ), grade_id=f"{qid}_answer", solution=True)
    hide_source(question)
    test_src = (
        _points_line(qid, points, objective, "graded from your recorded answer")
        + f"\nfrom qicourse.grading import show_recorded\nshow_recorded(\"{qid}\")\n### BEGIN HIDDEN TESTS\n"
        + f"from qicourse.grading import {grade}\n"
        + call(grade, qid, key=key, points=points, objective=objective, explanations=dict(explanations),
               misconceptions=dict(misconceptions) if misconceptions else None, pair=dict(pair) if pair else None,
               alternatives_note=alternatives_note)
        + "\n### END HIDDEN TESTS"
    )
    test = _nbg(code(test_src), grade_id=qid, grade=True, locked=True, points=points)
    return [question, test]


def value_item(qid: str, name: str, prompt: str, *, solution: str, expected: Any, points: float, objective: str,
               explanation: str = "", hint: str = "", tolerance: float = 0, starter: str = "") -> list:
    """A code question whose answer is the value of variable ``name``.

    ``solution`` is the instructor's code (hidden in the release); ``starter`` is code
    shown above it in both versions. ``expected`` is a literal the grader compares with.
    """
    prompt_cell = md(prompt)
    body = (starter.strip() + "\n" if starter.strip() else "") + f"{name} = None  # replace None with your answer\n"
    answer_cell = _nbg(code(body + "### BEGIN SOLUTION\n" + textwrap.dedent(solution).strip() + "\n### END SOLUTION"),
                       grade_id=f"{qid}_answer", solution=True)
    test_src = (
        _points_line(qid, points, objective, f"checks the value of `{name}`")
        + f"\nfrom qicourse.grading import report_value\nreport_value(\"{qid}\", \"{name}\")\n"
        + "### BEGIN HIDDEN TESTS\nfrom qicourse.grading import check_value\n"
        + call("check_value", qid, name, expected=expected, points=points, tolerance=tolerance or None,
               objective=objective, explanation=explanation or None, hint=hint or None)
        + "\n### END HIDDEN TESTS"
    )
    test = _nbg(code(test_src), grade_id=qid, grade=True, locked=True, points=points)
    return [prompt_cell, answer_cell, test]


def written_answer(grade_id: str, prompt: str, rubric: Mapping[str, str] | Sequence[tuple[str, str]], *,
                   points: float, objective: str, model_answer: str) -> list:
    """A hand-graded written (IRAC) answer with a rubric the student can see.

    ``rubric`` maps each criterion to its points text, e.g. {"Issue (2 pts)": "…"}.
    ``model_answer`` appears only in the instructor's copy (nbgrader replaces the
    answer cell with "YOUR ANSWER HERE" in the release).
    """
    items = rubric.items() if isinstance(rubric, Mapping) else rubric
    rows = "\n".join(f"| {k} | {v} |" for k, v in items)
    prompt_cell = locked_md(f"{grade_id}_prompt", f"""
{textwrap.dedent(prompt).strip()}

*Objective {objective}. {points:g} points, graded by hand against this rubric:*

| criterion | what earns the points |
|---|---|
{rows}
""")
    answer_cell = _nbg(md(f"### BEGIN SOLUTION\n{textwrap.dedent(model_answer).strip()}\n### END SOLUTION"),
                       grade_id=grade_id, grade=True, solution=True, points=points)
    return [prompt_cell, answer_cell]


def practice_quiz(qid: str, prompt: str, choices: Mapping[str, str], *, correct, explanations: Mapping[str, str],
                  objective: str | None = None) -> nbformat.NotebookNode:
    """A lesson's practice question (instant feedback; not graded)."""
    missing = [c for c in choices if c not in explanations]
    if missing:
        raise ValueError(f"{qid}: every choice needs an explanation; missing {missing}")
    return hide_source(code(call("practice", qid, prompt, dict(choices), correct=correct,
                                 explanations=dict(explanations), objective=objective)))


def notebook(cells: Sequence, *, title: str | None = None) -> nbformat.NotebookNode:
    nb = new_notebook(cells=list(cells), metadata={
        "kernelspec": dict(KERNELSPEC),
        "language_info": {"name": "python"},
    })
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"c{i:03d}"
    nbformat.validate(nb)
    return nb


def write(nb: nbformat.NotebookNode, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path
