"""A demo class: the whole instructor workflow on the embedded default (SQLite), in one command.

``qicourse demo demo-class`` builds a course folder and, in it:

1. releases every assignment (``generate_assignment``) with a due date;
2. makes a class of students whose answers follow plausible misconceptions (abler
   students answer correctly more often; a wrong answer leans towards the choices tagged
   with a misconception), some blank, some late, some uploading only the notebook or a
   zipped folder, and one whose notebook is broken;
3. packs their work the way Canvas's "Download Submissions" does and collects it with
   ``nbgrader zip_collect``;
4. autogrades in parallel, generates feedback, exports ``grades.csv`` (nbgrader's) and
   ``grades-lms.csv`` (an LMS import), and writes the analytics report.

Written answers are left for hand grading in formgrader, as in a real class.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import random
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from . import answers as _answers
from .course import CourseError, assignments as course_assignments, find_root, nbgrader
from .lms import canvas_file_name
from .specs import read_notebook

DUE = dt.datetime(2026, 11, 20, 23, 59, tzinfo=dt.timezone.utc)
FIRST = ["Ada", "Ben", "Chioma", "Diego", "Elena", "Farid", "Grace", "Hiro", "Imani", "Jonas", "Kavya", "Liam",
         "Mei", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Samir", "Tess", "Uma", "Victor", "Wen", "Xavier",
         "Yara", "Zane", "Amara", "Bruno", "Cleo", "Dmitri", "Esme", "Felix", "Gita", "Hugo", "Ines", "Jamal",
         "Keiko", "Luca", "Marta", "Nico"]
LAST = ["Adams", "Baptiste", "Chen", "Diaz", "Eze", "Fischer", "Garcia", "Haddad", "Ivanova", "Johnson", "Kim",
        "Lopez", "Mensah", "Nguyen", "Okafor", "Patel", "Quispe", "Rossi", "Silva", "Tanaka", "Ueda", "Varga",
        "Wang", "Xu", "Yilmaz", "Zhou", "Abara", "Brennan", "Costa", "Dubois", "Evans", "Fong", "Gupta",
        "Hansen", "Ito", "Jensen", "Khan", "Larsen", "Moreau", "Novak"]


@dataclass
class Student:
    student_id: str
    name: str
    lms_id: int
    ability: float
    kind: str = "normal"  # normal | blank | late | broken
    upload: str = "notebook+answers"  # notebook-only | notebook+answers | zipped-folder


@dataclass
class DemoResult:
    root: Path
    students: list[Student]
    summaries: list = field(default_factory=list)
    files: dict = field(default_factory=dict)


def make_class(n: int, seed: int) -> list[Student]:
    rng = random.Random(seed)
    students = []
    for i in range(n):
        first, last = FIRST[i % len(FIRST)], LAST[(i * 7) % len(LAST)]
        students.append(Student(f"{first.lower()}{last.lower()}"[:24], f"{first} {last}", 20001 + i,
                                rng.gauss(0.3, 1.0),
                                upload=rng.choice(["notebook-only", "notebook+answers", "notebook+answers",
                                                   "zipped-folder"])))
    kinds = ["blank", "blank", "late", "late", "late", "broken"]
    for student, kind in zip(rng.sample(students, min(len(kinds), n)), kinds):
        student.kind = kind
    return students


def _p_correct(ability: float, difficulty: float) -> float:
    return 1 / (1 + math.exp(-(1.3 * ability - difficulty + 0.9)))


def _choose(rng, spec, choices, ability, difficulty):
    """A plausible answer: right with IRT-like probability, else a misconception-weighted wrong one."""
    tags = spec.get("misconceptions") or {}
    key = spec["key"] if isinstance(spec["key"], list) else [spec["key"]]
    right = rng.random() < _p_correct(ability, difficulty)
    if spec.get("multiple"):
        picked = {c for c in key if rng.random() < (0.9 if right else 0.55)}
        picked |= {c for c in choices if c not in key and rng.random() < (0.05 if right else 0.35 if c in tags else 0.15)}
        return sorted(picked)
    if right:
        return key[0]
    wrong = [c for c in choices if c not in key]
    return rng.choices(wrong, weights=[3 if c in tags else 1 for c in wrong])[0]


def _solution_source(cell_source: str) -> str:
    return cell_source.replace("### BEGIN SOLUTION\n", "").replace("### END SOLUTION", "")


def _student_notebook(release_nb, source_nb, student: Student, rng, difficulties) -> tuple[dict, object]:
    """(answers to record, the edited notebook) for one student on one assignment."""
    specs = read_notebook(source_nb)
    nb = nbformat.from_dict(json.loads(json.dumps(release_nb)))
    picks = {}
    if student.kind == "blank":
        return picks, nb
    source_cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in source_nb.cells}
    for qid, call in specs.grades.items():
        difficulty = difficulties.setdefault(qid, rng.gauss(0, 0.9))
        if call.func == "check_value":
            grade_id = f"{qid}_answer"
            for cell in nb.cells:
                if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
                    if rng.random() < _p_correct(student.ability, difficulty):
                        cell.source = _solution_source(source_cells[grade_id].source)
                    else:
                        cell.source = f"{call.args['name']} = {rng.randint(1, 40)}"
            continue
        question = specs.questions.get(qid)
        if question is None:
            continue
        choices = list(question.args["choices"])
        spec = dict(call.args, multiple=call.func == "grade_multi")
        picks[qid] = _choose(rng, spec, choices, student.ability, difficulty)
    for cell in nb.cells:  # a short written answer for formgrader
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "markdown" and meta.get("solution") and meta.get("grade"):
            cell.source = (f"(Demo answer by {student.name}.) Issue: whether qualified immunity bars the "
                           "damages claim. Rule: Harlow's objective test. Application: see above. Conclusion: depends "
                           "on whether the law was clearly established.")
    return picks, nb


def _add_receipts(nb, picks: dict) -> None:
    """Put each answer's receipt in its question cell, as JupyterLab saves it after a click."""
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        qid = gid[: -len("_answer")] if gid.endswith("_answer") else None
        if qid in picks:
            entry = _answers.make_entry(qid, picks[qid], "widget")
            cell.outputs = [nbformat.v4.new_output("display_data", data=_answers.receipt_bundle(qid, entry, str(picks[qid])))]


def build(dest: str | Path, *, students: int = 40, assignments: list[str] | None = None, workers: int | None = None,
          seed: int = 2026, source_root: Path | None = None, progress: bool = True, force: bool = False) -> DemoResult:
    from nbgrader.api import Gradebook

    from . import parallel
    from .analytics import write_report
    from .lms import export_lms_csv

    source_root = source_root or find_root()
    dest = Path(dest).resolve()
    if dest.exists():
        if not force:
            raise CourseError(f"{dest} exists; choose a new folder or pass --force to replace it")
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    shutil.copy(source_root / "nbgrader_config.py", dest / "nbgrader_config.py")
    ignore = shutil.ignore_patterns(_answers.STORE_NAME, "qicourse-graded.json", ".ipynb_checkpoints", "__pycache__")
    for folder in ("solutions", "data"):
        shutil.copytree(source_root / folder, dest / folder, ignore=ignore)
    wanted = assignments or course_assignments(source_root)
    say = (lambda *a: print(*a, flush=True)) if progress else (lambda *a: None)
    rng = random.Random(seed)
    klass = make_class(students, seed)
    db_url = f"sqlite:///{dest / 'gradebook.db'}"
    result = DemoResult(dest, klass)

    with (dest / "roster.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student_id", "name", "lms_id", "sis_user_id", "sis_login_id", "section"])
        for s in klass:
            w.writerow([s.lms_id, s.name, s.lms_id, f"SIS{s.lms_id}", s.student_id, "Section 1"])

    for aid in wanted:
        say(f"== {aid}: release")
        with Gradebook(db_url) as gb:
            gb.update_or_create_assignment(aid, duedate=DUE.replace(tzinfo=None))
        proc = nbgrader(["generate_assignment", aid, "--force"], dest)
        if proc.returncode != 0:
            raise CourseError(f"generate_assignment {aid} failed:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
        say(f"== {aid}: {len(klass)} students work and upload to the LMS")
        _lms_download(dest, aid, klass, rng)
        proc = nbgrader(["zip_collect", aid, "--force"], dest)
        if proc.returncode != 0:
            raise CourseError(f"zip_collect {aid} failed:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
        _stamp_times(dest, aid, klass)
        say(f"== {aid}: autograde ({workers or parallel.default_workers()} workers)")
        summary = parallel.autograde(dest, aid, workers=workers, progress=progress)
        result.summaries.append(summary)
        say(summary.text())
        say(f"== {aid}: feedback")
        nbgrader(["generate_feedback", aid, "--force"], dest)

    say("== export")
    nbgrader(["export", "--to", str(dest / "grades.csv")], dest)
    result.files["grades"] = dest / "grades.csv"
    result.files["grades_lms"] = export_lms_csv(db_url, dest / "grades-lms.csv", roster=str(dest / "roster.csv"),
                                               assignments=wanted)
    say("== analytics")
    result.files["report"] = write_report(dest, dest / "reports")
    say(f"Done. Open {result.files['report']} and, for hand grading, run `nbgrader formgrader` in {dest}.")
    return result


def _stamp_times(dest: Path, aid: str, klass: list[Student]) -> None:
    """Submission times. Canvas's download carries none (only a _LATE flag in the name);
    an instructor takes them from the LMS gradebook. The demo writes them directly."""
    for student in klass:
        folder = dest / "submitted" / str(student.lms_id) / aid
        if folder.is_dir():
            when = DUE + (dt.timedelta(days=1, hours=3) if student.kind == "late" else -dt.timedelta(hours=5))
            (folder / "timestamp.txt").write_text(when.strftime("%Y-%m-%d %H:%M:%S.%f UTC"))


def _lms_download(dest: Path, aid: str, klass: list[Student], rng) -> None:
    """Write ``downloaded/<aid>/archive/submissions.zip`` as Canvas's bulk download would."""
    release = dest / "exercises" / aid
    source = dest / "solutions" / aid
    notebooks = sorted(release.glob("*.ipynb"))
    difficulties: dict = {}
    staging = dest / "downloaded" / aid / "staging"
    archive = dest / "downloaded" / aid / "archive"
    shutil.rmtree(staging, ignore_errors=True)
    archive.mkdir(parents=True, exist_ok=True)
    zip_path = archive / "submissions.zip"
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as bundle:
        for n, student in enumerate(klass):
            prefix = dict(sortable=f"{student.name.split()[1]}{student.name.split()[0]}".lower(),
                          user_id=student.lms_id, submission_id=900000 + n, late=student.kind == "late")
            folder = staging / student.student_id / aid
            folder.mkdir(parents=True)
            all_picks = {}
            for nb_path in notebooks:
                release_nb = nbformat.read(str(nb_path), as_version=4)
                source_nb = nbformat.read(str(source / nb_path.name), as_version=4)
                picks, nb = _student_notebook(release_nb, source_nb, student, rng, difficulties)
                all_picks.update(picks)
                if student.upload == "notebook-only":
                    _add_receipts(nb, picks)
                text = nbformat.writes(nb)
                if student.kind == "broken":
                    text = text[: len(text) // 3]  # a truncated upload: not valid JSON
                (folder / nb_path.name).write_text(text)
            if all_picks and student.upload != "notebook-only":
                for qid, choice in all_picks.items():
                    _answers.record(qid, choice, "widget", folder)
            if student.upload == "zipped-folder":
                inner = staging / f"{student.student_id}.zip"
                with zipfile.ZipFile(inner, "w") as z:
                    for f in sorted(folder.iterdir()):
                        z.write(f, f"{aid}/{f.name}")
                bundle.write(inner, canvas_file_name(original=f"{aid}.zip", **prefix))
            else:
                for f in sorted(folder.iterdir()):
                    bundle.write(f, canvas_file_name(original=f.name, **prefix))
    shutil.rmtree(staging, ignore_errors=True)
