"""The nbgrader round trip for every assignment, through the real nbgrader.

For each assignment: validate passes on the source and fails everywhere on the release;
a fresh generate_assignment reproduces exercises/ exactly; then a class of submissions
(the ones real classes produce) is autograded in ONE nbgrader run, and each student gets
the expected score without stopping the others; feedback and export work; and no key,
hidden test or solution text reaches the release or any feedback file.
"""

from __future__ import annotations

import csv
import html
import json
import re
import shutil
from functools import lru_cache
from pathlib import Path

import nbformat
import pytest
from conftest import ASSIGNMENTS, REPO, nbgrader
from nbgrader.api import Gradebook
from nbgrader.validator import Validator

from qicourse import answers, submissions
from qicourse.nbgrader_ext import GRADED_RECORD

pytestmark = pytest.mark.slow
if not ASSIGNMENTS:
    pytest.skip("no assignments in solutions/", allow_module_level=True)

SECRET_MARKERS = ["BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "BEGIN SOLUTION", "grade_choice(", "grade_multi(",
                  "check_value(", "key=", "misconceptions="]


def _notebook_name(aid):
    return submissions.notebook_path(REPO / "solutions" / aid).name


def _solution_code(aid, grade_id):
    nb = nbformat.read(str(REPO / "solutions" / aid / _notebook_name(aid)), as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    return cell.source.replace("### BEGIN SOLUTION\n", "").replace("### END SOLUTION", "")


def _model_answers(aid):
    """Text of hand-graded model answers (must never reach students)."""
    nb = nbformat.read(str(REPO / "solutions" / aid / _notebook_name(aid)), as_version=4)
    texts = []
    for c in nb.cells:
        meta = c.metadata.get("nbgrader", {})
        if c.cell_type == "markdown" and meta.get("solution"):
            body = c.source.replace("### BEGIN SOLUTION", "").replace("### END SOLUTION", "").strip()
            texts.append(body.splitlines()[0][:60])
    return texts


def _wrong(spec):
    """A wrong answer for a quiz spec: no accepted letter (single) / the complement (multi)."""
    keys = spec["key"] if isinstance(spec["key"], list) else [spec["key"]]
    others = [c for c in spec["choices"] if c not in keys]
    return others if spec["kind"] == "grade_multi" else others[0]


def _right(spec):
    return spec["key"] if spec["kind"] == "grade_multi" else (spec["key"] if isinstance(spec["key"], str) else spec["key"][0])


CHEAT_CELL = """
import qicourse.grading as g, qicourse.answers as ans
g.grade_choice = g.grade_multi = g.check_value = lambda *a, **k: 100.0
g.score_choice = g.score_value = lambda *a, **k: None
show_recorded = grade_choice = grade_multi = check_value = report_value = lambda *a, **k: None
ans.entry_problem = lambda *a, **k: None
"""


@lru_cache(maxsize=None)
def graded_class(aid: str, course: Path):
    """Build every kind of submission, autograde them in one run, return (gradebook scores, expected)."""
    key = submissions.key_of(REPO, aid)
    quizzes = {q: s for q, s in key.items() if s["kind"] in ("grade_choice", "grade_multi")}
    values = {q: s for q, s in key.items() if s["kind"] == "check_value"}
    quiz_points = sum(s["points"] for s in quizzes.values())
    value_points = sum(s["points"] for s in values.values())
    right = {q: _right(s) for q, s in quizzes.items()}
    wrong = {q: _wrong(s) for q, s in quizzes.items()}
    half = dict(list(right.items())[: len(right) // 2])
    half_points = sum(quizzes[q]["points"] for q in half)

    def with_values(folder, code=True):
        for qid in values:
            grade_id = f"{qid}_answer"
            source = _solution_code(aid, grade_id) if code else f"{values[qid]['name']} = -12345"
            submissions.set_code(folder, grade_id, source)

    expected = {}
    # a student who worked through the instructor's solutions in their own folder
    submissions.from_solutions(course, "solved", aid)
    expected["solved"] = quiz_points + value_points
    # the untouched release
    submissions.start(course, "blank", aid)
    expected["blank"] = 0
    # every quiz wrong, every value wrong
    f = submissions.start(course, "wrong", aid)
    submissions.record_answers(f, wrong)
    with_values(f, code=False)
    expected["wrong"] = 0
    # half the quizzes right, the rest unanswered
    f = submissions.start(course, "partial", aid)
    submissions.record_answers(f, half)
    expected["partial"] = half_points
    # LMS upload: only the notebook (answers travel as receipts inside it)
    f = submissions.from_solutions(course, "nbonly", aid)
    (f / answers.STORE_NAME).unlink()
    expected["nbonly"] = quiz_points + value_points
    # the answer file was lost and the notebook never re-run (no receipts)
    f = submissions.start(course, "nostore", aid)
    with_values(f)
    expected["nostore"] = value_points
    # a damaged answer file
    f = submissions.start(course, "corrupt", aid)
    submissions.record_answers(f, right)
    text = (f / answers.STORE_NAME).read_text()
    (f / answers.STORE_NAME).write_text(text[: len(text) // 2])
    with_values(f)
    expected["corrupt"] = value_points
    # hand-edited answers (digest no longer matches)
    f = submissions.start(course, "tampered", aid)
    submissions.record_answers(f, wrong)
    store = json.loads((f / answers.STORE_NAME).read_text())
    for qid, entry in store["answers"].items():
        entry["choice"] = right[qid]
    (f / answers.STORE_NAME).write_text(json.dumps(store))
    expected["tampered"] = 0
    # a deleted question cell (the answer is on file) and a deleted test cell
    f = submissions.start(course, "deleted", aid)
    submissions.record_answers(f, right)
    first, second = list(quizzes)[:2]
    submissions.delete_cell(f, f"{first}_answer")
    submissions.delete_cell(f, second)
    expected["deleted"] = quiz_points  # the deleted test cell is restored from the gradebook
    # an infinite loop in a student's own cell (interrupted by the timeout)
    f = submissions.start(course, "loop", aid)
    submissions.record_answers(f, right)
    submissions.insert_cell(f, 2, "while True:\n    pass")
    with_values(f)
    expected["loop"] = quiz_points + value_points
    # a cell that prints a huge output
    f = submissions.start(course, "huge", aid)
    submissions.record_answers(f, right)
    submissions.insert_cell(f, 2, "for i in range(200_000):\n    print('spam', i)")
    expected["huge"] = quiz_points
    # wrong answers plus a cell that monkeypatches the package and redefines names
    f = submissions.start(course, "cheat", aid)
    submissions.record_answers(f, wrong)
    with_values(f, code=False)
    submissions.insert_cell(f, 2, CHEAT_CELL)
    expected["cheat"] = 0

    proc = nbgrader(course, "autograde", aid, check=False)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        scores = {}
        for student in expected:
            try:
                scores[student] = gb.find_submission(aid, student).score
            except Exception:  # noqa: BLE001 - a missing student is itself the failure to report
                scores[student] = None
    return scores, expected, proc


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_validate_passes_on_solutions_and_fails_everywhere_on_release(aid, tmp_path):
    # in a copy: executing the source writes an answer file beside it
    src = tmp_path / "src"
    shutil.copytree(REPO / "solutions" / aid, src)
    assert Validator().validate(str(src / _notebook_name(aid))) == {}
    assert Validator(invert=True).validate(str(REPO / "exercises" / aid / _notebook_name(aid))) == {}


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_fresh_generate_reproduces_exercises_exactly(aid, course):
    ours, committed = course / "exercises" / aid, REPO / "exercises" / aid
    files = lambda root: sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert files(ours) == files(committed)
    for rel in files(ours):
        if rel.endswith(".ipynb"):
            assert json.loads((ours / rel).read_text()) == json.loads((committed / rel).read_text()), rel
        else:
            assert (ours / rel).read_bytes() == (committed / rel).read_bytes(), rel


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_release_carries_no_key_hidden_test_solution_or_answer_file(aid):
    release = REPO / "exercises" / aid
    assert not list(release.rglob(answers.STORE_NAME)) and not list(release.rglob(GRADED_RECORD))
    text = "".join(p.read_text() for p in release.rglob("*.ipynb"))
    for marker in SECRET_MARKERS:
        assert marker not in text, f"{marker!r} reached exercises/{aid}"
    for model in _model_answers(aid):
        assert model not in text


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_class_submissions_get_expected_scores_without_stopping_each_other(aid, course):
    scores, expected, proc = graded_class(aid, course)
    assert scores == pytest.approx(expected), proc.stdout[-3000:] + proc.stderr[-3000:]


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_feedback_explains_answers_and_never_shows_a_key(aid, course):
    graded_class(aid, course)
    nbgrader(course, "generate_feedback", aid)
    models = _model_answers(aid)
    key = submissions.key_of(REPO, aid)
    for student in ("wrong", "blank", "cheat", "partial", "corrupt"):
        page = course / "feedback" / student / aid / _notebook_name(aid).replace(".ipynb", ".html")
        text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text()))
        for marker in SECRET_MARKERS:
            assert marker not in text, f"{marker!r} in {student}'s feedback"
        for model in models:
            assert model not in text, f"model answer in {student}'s feedback"
        if student == "wrong":  # the explanation of the choice they made, and of the answer
            for qid, spec in key.items():
                if spec["kind"] == "grade_choice":
                    assert spec["explanations"][_wrong(spec)][:40] in text, qid
                    assert f"{qid}" in text


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_export_lists_every_student(aid, course, tmp_path):
    scores, _, _ = graded_class(aid, course)
    out = tmp_path / "grades.csv"
    nbgrader(course, "export", "--to", str(out))
    rows = [r for r in csv.DictReader(out.open()) if r["assignment"] == aid]
    assert {r["student_id"] for r in rows} >= set(scores)
    by_student = {r["student_id"]: float(r["raw_score"]) for r in rows}
    assert by_student["solved"] == pytest.approx(scores["solved"])


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_graded_record_for_analytics_names_each_answer(aid, course):
    graded_class(aid, course)
    record = json.loads((course / "autograded" / "wrong" / aid / GRADED_RECORD).read_text())
    graded = next(iter(record.values()))
    key = submissions.key_of(REPO, aid)
    for qid, spec in key.items():
        if spec["kind"] == "grade_choice":
            assert graded[qid]["answer"] == _wrong(spec) and graded[qid]["score"] == 0
            assert graded[qid]["objective"] == spec["objective"]
