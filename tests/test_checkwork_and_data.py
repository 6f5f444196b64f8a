"""'Check my work' gives the instructor's score; data loads from every place notebooks run."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest
from conftest import ASSIGNMENTS, REPO, copy_course, nbgrader
from nbgrader.api import Gradebook

from qicourse import submissions
from qicourse.checkwork import check
from qicourse.course import CourseError
from qicourse.data import data_dir, load_cases


@pytest.mark.slow
@pytest.mark.parametrize("aid", ASSIGNMENTS[:1])
def test_check_my_work_gives_the_instructors_score(aid, tmp_path):
    course = copy_course(tmp_path / "course")
    nbgrader(course, "generate_assignment", aid, "--force")
    folder = submissions.start(course, "learner", aid)
    key = submissions.key_of(REPO, aid)
    quiz_ids = [q for q, s in key.items() if s["kind"] != "check_value"]
    # a realistic mix: first three right, the rest wrong
    picks = {}
    for i, qid in enumerate(quiz_ids):
        s = key[qid]
        right = s["key"] if s["kind"] == "grade_multi" else (s["key"] if isinstance(s["key"], str) else s["key"][0])
        wrong = [c for c in s["choices"] if c not in (right if isinstance(right, list) else [right])]
        picks[qid] = right if i < 3 else (wrong if s["kind"] == "grade_multi" else wrong[0])
    submissions.record_answers(folder, picks)
    submissions.execute(folder)

    reports = check(str(folder), root=course)
    learner_score = sum(r.score for r in reports)
    assert (folder / "feedback").is_dir() and reports[0].feedback_html.exists()
    assert "your answer" in reports[0].text().lower() or "your recorded" in reports[0].text().lower()

    nbgrader(course, "autograde", aid)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        instructor_score = gb.find_submission(aid, "learner").score
    assert learner_score == pytest.approx(instructor_score)
    assert 0 < learner_score < sum(s["points"] for s in key.values())


def test_check_without_solutions_says_why(tmp_path):
    course = tmp_path / "c"
    (course / "solutions").mkdir(parents=True)
    (course / "nbgrader_config.py").write_text("")
    ex = course / "exercises" / "01-x"
    ex.mkdir(parents=True)
    (ex / "01-x.ipynb").write_text("{}")
    with pytest.raises(CourseError, match="hidden tests"):
        check(str(ex), root=course)


def test_data_found_from_repo_and_from_an_autograded_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("QICOURSE_DATA", raising=False)
    monkeypatch.chdir(REPO / "lessons")
    assert data_dir() == REPO / "data"
    course = copy_course(tmp_path / "course")
    deep = course / "autograded" / "student" / "01-x"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    assert data_dir() == course / "data"
    assert len(load_cases()) > 50


def test_data_found_in_a_release_folder_with_no_repository(tmp_path, monkeypatch):
    """A student's folder on a hub: only the installed package is there."""
    wheel_dir = tmp_path / "wheel"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                    str(wheel_dir), str(REPO)], check=True, capture_output=True)
    wheel = next(wheel_dir.glob("qicourse-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "qicourse/coursedata/cases.csv" in names and "qicourse/coursedata/fact_patterns.json" in names
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    release = tmp_path / "home" / "01-x"
    release.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if k != "QICOURSE_DATA"}
    env["PYTHONPATH"] = str(site)
    out = subprocess.run([sys.executable, "-c", "import qicourse; from qicourse.data import data_dir, load_cases;"
                          "print(qicourse.__file__); print(data_dir()); print(len(load_cases()))"],
                         cwd=release, env=env, capture_output=True, text=True, check=True).stdout.split()
    assert out[0].startswith(str(site)) and out[1].startswith(str(site))
    assert int(out[2]) == len(load_cases())


def test_generated_exercises_folders_match_solutions():
    assert sorted(p.name for p in (REPO / "exercises").iterdir() if p.is_dir()) == ASSIGNMENTS
    for aid in ASSIGNMENTS:
        assert sorted(p.name for p in (REPO / "exercises" / aid).glob("*.ipynb")) == \
            sorted(p.name for p in (REPO / "solutions" / aid).glob("*.ipynb"))
