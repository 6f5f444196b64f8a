"""The instructor's toolkit: demo class end to end, LMS in and out, parallel autograde on
SQLite and PostgreSQL (same scores as nbgrader's serial autograde), analytics."""

from __future__ import annotations

import csv
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import ASSIGNMENTS, REPO, copy_course, nbgrader
from nbgrader.api import Gradebook

from qicourse import analytics, parallel, submissions
from qicourse.lms import CanvasCollector, canvas_file_name

pytestmark = pytest.mark.slow
AID = ASSIGNMENTS[0] if ASSIGNMENTS else None


def _scores(db_url, aid):
    with Gradebook(db_url) as gb:
        return {s.student.id: s.score for s in gb.find_assignment(aid).submissions}


# --------------------------------------------------------------------- demo class
@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from qicourse.demo import build

    dest = tmp_path_factory.mktemp("demo") / "class"
    return build(dest, students=10, assignments=[AID], workers=2, source_root=REPO, progress=False)


def test_demo_collects_every_upload_kind_from_the_lms_download(demo):
    students = {str(s.lms_id): s for s in demo.students}
    collected = {p.name for p in (demo.root / "submitted").iterdir()}
    assert collected == set(students)
    for sid, student in students.items():
        folder = demo.root / "submitted" / sid / AID
        assert (folder / f"{AID}.ipynb").exists()
        has_store = (folder / "qicourse-answers.json").exists()
        if student.kind == "normal" or student.kind == "late":
            assert has_store == (student.upload != "notebook-only"), (sid, student.upload)


def test_demo_grades_everyone_but_the_broken_upload_and_says_why(demo):
    summary = demo.summaries[0]
    broken = [str(s.lms_id) for s in demo.students if s.kind == "broken"]
    assert [r.student for r in summary.failed] == broken
    assert "not valid JSON" in summary.failed[0].reason
    assert len(summary.graded) == len(demo.students) - 1
    scores = _scores(f"sqlite:///{demo.root / 'gradebook.db'}", AID)
    by_kind = {}
    for s in demo.students:
        by_kind.setdefault(s.kind, []).append(scores.get(str(s.lms_id)))
    assert all(v == 0 for v in by_kind["blank"])
    assert any(v and v > 0 for v in by_kind["normal"])  # plausible answers earn points


def test_demo_marks_late_submissions_late(demo):
    late = {str(s.lms_id) for s in demo.students if s.kind == "late"}
    with Gradebook(f"sqlite:///{demo.root / 'gradebook.db'}") as gb:
        flagged = {s.student.id for s in gb.find_assignment(AID).submissions if s.total_seconds_late > 0}
    assert flagged == late


def test_demo_exports_nbgrader_and_lms_csvs(demo):
    rows = list(csv.DictReader(demo.files["grades"].open()))
    assert {r["student_id"] for r in rows} == {str(s.lms_id) for s in demo.students}
    lms = list(csv.reader(demo.files["grades_lms"].open()))
    assert lms[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"] and lms[0][5].startswith(AID)
    assert len(lms) == len(demo.students) + 1
    by_id = {r[1]: r for r in lms[1:]}
    nb_scores = {r["student_id"]: float(r["score"]) for r in rows}
    for sid, score in nb_scores.items():
        assert float(by_id[sid][5]) == pytest.approx(score)


def test_demo_analytics_report_what_the_class_got_wrong(demo):
    results = analytics.load_results(demo.root)
    items = analytics.item_analysis(results)
    assert set(items["qid"]) >= {q for q, s in submissions.key_of(REPO, AID).items()}
    assert items["difficulty"].between(0, 1).all()
    mis = analytics.misconception_summary(results)
    assert len(mis) > 0 and (mis["students"] > 0).all()
    mastery = analytics.mastery_by_objective(results)
    assert set(mastery["objective"]) >= {s["objective"] for s in submissions.key_of(REPO, AID).values()}
    qid = next(q for q, s in submissions.key_of(REPO, AID).items() if s["kind"] == "grade_choice")
    dist = analytics.choice_distribution(results, qid)
    assert dist["picked"].sum() == sum(1 for s in demo.students if s.kind in ("normal", "late"))
    report = demo.files["report"]
    text = report.read_text()
    assert "<img" in text and "Misconceptions" in text and "alt=" in text
    assert (report.parent / "misconceptions.png").stat().st_size > 1000


def test_analytics_notebook_runs_on_the_demo_class(demo, tmp_path, monkeypatch):
    from nbclient import NotebookClient
    import nbformat

    monkeypatch.setenv("QICOURSE_COURSE", str(demo.root))
    nb = nbformat.read(str(REPO / "instructor" / "analytics.ipynb"), as_version=4)
    NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, [(e["ename"], e["evalue"], e["traceback"][-2:]) for e in errors[:1]]
    images = [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(images) >= 4


def test_parallel_scores_equal_nbgraders_serial_autograde_and_gradebook_is_sound(demo, tmp_path):
    parallel_scores = _scores(f"sqlite:///{demo.root / 'gradebook.db'}", AID)
    serial = tmp_path / "serial"
    shutil.copytree(demo.root, serial, ignore=shutil.ignore_patterns("autograded", "feedback", "gradebook.db"))
    nbgrader(serial, "generate_assignment", AID, "--force")
    nbgrader(serial, "autograde", AID, check=False)  # exits 1 because of the broken upload
    serial_scores = _scores(f"sqlite:///{serial / 'gradebook.db'}", AID)
    graded = [r.student for r in demo.summaries[0].graded]
    assert {s: parallel_scores[s] for s in graded} == pytest.approx({s: serial_scores[s] for s in graded})
    with sqlite3.connect(demo.root / "gradebook.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# -------------------------------------------------------------------- LMS in/out
@pytest.mark.parametrize("name, expected", [
    ("smithjane_12345_67890_01-x.ipynb", ("12345", "01-x.ipynb")),
    ("smithjane_LATE_12345_67890_01-x-1.ipynb", ("12345", "01-x.ipynb")),
    ("smithjane_12345_67890_qicourse-answers.json", ("12345", "qicourse-answers.json")),
    ("smithjane_12345_67890_01-x/01-x/01-x.ipynb", ("12345", "01-x.ipynb")),
    ("smithjane_12345_67890_notes.json", None),
    ("readme.txt", None),
    ("random.ipynb", None),
])
def test_canvas_collector_reads_lms_file_names(name, expected, tmp_path):
    got = CanvasCollector().collect(str(tmp_path / "extracted" / name))
    assert (got and (got["student_id"], got["file_id"])) == (expected or None) or (got is None and expected is None)


def test_canvas_file_name_round_trips():
    name = canvas_file_name("doejohn", 7, 8, "01-x.ipynb", late=True)
    assert CanvasCollector().collect(f"/x/{name}")["student_id"] == "7"


# ---------------------------------------------------------------- parallel retry
def test_a_transient_failure_is_retried_and_a_broken_one_is_not(monkeypatch):
    calls = []

    class FakeAPI:
        def autograde(self, aid, student, force, create):
            calls.append(student)
            if student == "flaky" and calls.count("flaky") == 1:
                return {"success": False, "error": "zmq.error.ZMQError: Address already in use"}
            if student == "broken":
                return {"success": False, "error": "nbformat.reader.NotJSONError: Notebook does not appear to be JSON"}
            return {"success": True}

    monkeypatch.setattr(parallel, "_api", FakeAPI())
    flaky = parallel._grade(("a", "flaky", True, 2))
    broken = parallel._grade(("a", "broken", True, 2))
    assert (flaky.success, flaky.attempts) == (True, 2)
    assert (broken.success, broken.attempts) == (False, 1) and "not valid JSON" in broken.reason


# ------------------------------------------------------------------- PostgreSQL
PG_URL = os.environ.get("QICOURSE_TEST_POSTGRES_URL")
if not PG_URL and os.environ.get("QICOURSE_REQUIRE_POSTGRES"):
    raise RuntimeError("QICOURSE_TEST_POSTGRES_URL is not set: scripts/test.sh starts PostgreSQL for these tests")


@pytest.mark.skipif(not PG_URL, reason="no PostgreSQL server (scripts/test.sh starts one where it can)")
def test_parallel_autograde_on_postgresql_matches_sqlite(tmp_path, monkeypatch):
    import sqlalchemy

    engine = sqlalchemy.create_engine(PG_URL)
    with engine.begin() as conn:  # a clean schema for this test
        conn.execute(sqlalchemy.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    results = {}
    for name, url in (("sqlite", None), ("postgres", PG_URL)):
        course = copy_course(tmp_path / name)
        if url:
            (course / "nbgrader_config.py").write_text(
                (course / "nbgrader_config.py").read_text().replace(
                    "configure(c, os.path.dirname(os.path.abspath(__file__)))",
                    f"configure(c, os.path.dirname(os.path.abspath(__file__)), db_url={url!r})"))
        nbgrader(course, "generate_assignment", AID, "--force")
        submissions.from_solutions(course, "solved", AID)
        submissions.start(course, "blank", AID)
        f = submissions.start(course, "partial", AID)
        key = submissions.key_of(REPO, AID)
        first = next(q for q, s in key.items() if s["kind"] == "grade_choice")
        submissions.record_answers(f, {first: key[first]["key"] if isinstance(key[first]["key"], str) else key[first]["key"][0]})
        summary = parallel.autograde(course, AID, workers=2, progress=False)
        assert not summary.failed, summary.text()
        results[name] = _scores(url or f"sqlite:///{course / 'gradebook.db'}", AID)
    assert results["postgres"] == pytest.approx(results["sqlite"])
    assert results["postgres"]["blank"] == 0 and results["postgres"]["solved"] > results["postgres"]["partial"] > 0
