""""Check my work": grade a learner's exercise exactly as an instructor's autograde would.

It builds a private scratch course (a temporary folder), configured by the same
:func:`qicourse.nbgrader_ext.configure` as the real one, generates the assignment from
``solutions/``, submits a copy of the learner's folder, and runs nbgrader's real
``autograde`` and ``generate_feedback``. Nothing in the learner's folder changes except
``feedback/<notebook>.html``, which it writes there.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .answers import STORE_NAME
from .course import CourseError, assignments, find_root, nbgrader
from .data import data_dir
from .nbgrader_ext import GRADED_RECORD

STUDENT = "me"
SCRATCH_CONFIG = """\
from qicourse.nbgrader_ext import configure
c = get_config()  # noqa: F821
configure(c, {root!r})
"""


@dataclass
class QuestionResult:
    grade_id: str
    score: float | None
    points: float
    needs_hand_grading: bool
    feedback: str = ""


@dataclass
class Report:
    assignment: str
    notebook: str
    score: float
    max_score: float
    questions: list[QuestionResult] = field(default_factory=list)
    feedback_html: Path | None = None

    def text(self) -> str:
        lines = [f"{self.assignment}/{self.notebook}: {self.score:g} of {self.max_score:g} points "
                 "(written answers are graded by hand and count 0 here until then)", ""]
        for q in self.questions:
            if q.needs_hand_grading:
                lines.append(f"- {q.grade_id}: written answer, graded by hand (up to {q.points:g} points)")
                continue
            lines.append(f"- {q.grade_id}: {q.score:g} / {q.points:g}")
            for line in q.feedback.strip().splitlines()[1:]:
                lines.append(f"    {line}")
        if self.feedback_html:
            lines += ["", f"Feedback page: {self.feedback_html}"]
        return "\n".join(lines)


def _resolve(target: str, root: Path) -> tuple[str, Path]:
    """(assignment id, the learner's folder) from an id, a folder or a notebook path."""
    path = Path(target)
    if path.exists():
        folder = path.parent if path.is_file() else path
        return folder.resolve().name, folder.resolve()
    if target in assignments(root):
        return target, (root / "exercises" / target)
    raise CourseError(f"{target!r} is neither an exercise folder, a notebook, nor an assignment id "
                      f"({', '.join(assignments(root))})")


def check(target: str, *, root: Path | None = None, keep: bool = False) -> list[Report]:
    """Grade the learner's copy of an exercise; returns one report per notebook."""
    root = root or find_root(target if Path(target).exists() else None)
    aid, folder = _resolve(target, root)
    source = root / "solutions" / aid
    if not source.is_dir():
        raise CourseError(
            f"solutions/{aid} is not here, and it holds the hidden tests that grade this exercise. "
            "In a class, submit your work to your instructor for grading and feedback."
        )
    if not any(folder.glob("*.ipynb")):
        raise CourseError(f"{folder} holds no notebook to check")

    scratch = Path(tempfile.mkdtemp(prefix="qicourse-check-"))
    try:
        (scratch / "nbgrader_config.py").write_text(SCRATCH_CONFIG.format(root=str(scratch)))
        shutil.copytree(source, scratch / "solutions" / aid,
                        ignore=shutil.ignore_patterns(STORE_NAME, GRADED_RECORD, ".ipynb_checkpoints"))
        env = dict(os.environ, QICOURSE_DATA=str(data_dir(root)))
        env.pop("QICOURSE_DB_URL", None)  # always the scratch SQLite gradebook
        _run(["generate_assignment", aid, "--force"], scratch, env)
        submitted = scratch / "submitted" / STUDENT / aid
        shutil.copytree(folder, submitted, ignore=shutil.ignore_patterns("feedback", ".ipynb_checkpoints"))
        _run(["autograde", aid, "--student", STUDENT, "--force"], scratch, env)
        _run(["generate_feedback", aid, "--student", STUDENT, "--force"], scratch, env)
        return _reports(scratch, aid, folder)
    finally:
        if not keep:
            shutil.rmtree(scratch, ignore_errors=True)


def _run(args, cwd, env):
    proc = nbgrader(args, cwd, env)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        raise CourseError(f"nbgrader {' '.join(args)} failed:\n{tail}")


def _reports(scratch: Path, aid: str, folder: Path) -> list[Report]:
    from nbgrader.api import Gradebook

    reports = []
    with Gradebook(f"sqlite:///{scratch / 'gradebook.db'}") as gb:
        submission = gb.find_submission(aid, STUDENT)
        for nb in submission.notebooks:
            texts = _test_outputs(scratch / "autograded" / STUDENT / aid / f"{nb.name}.ipynb")
            questions = []
            for grade in sorted(nb.grades, key=lambda g: texts.get(g.name, ("", 10**6))[1]):
                score = grade.manual_score if grade.manual_score is not None else grade.auto_score
                questions.append(QuestionResult(grade.name, score, grade.max_score,
                                                bool(grade.needs_manual_grade), texts.get(grade.name, ("", 0))[0]))
            html_src = scratch / "feedback" / STUDENT / aid / f"{nb.name}.html"
            html_dest = None
            if html_src.exists():
                html_dest = folder / "feedback" / f"{nb.name}.html"
                html_dest.parent.mkdir(exist_ok=True)
                shutil.copy(html_src, html_dest)
            reports.append(Report(aid, nb.name, nb.score, nb.max_score, questions, html_dest))
    return reports


def _test_outputs(path: Path) -> dict[str, tuple[str, int]]:
    """grade_id -> (the text a test cell printed, its position) from an autograded notebook."""
    import nbformat

    out = {}
    if not path.exists():
        return out
    nb = nbformat.read(str(path), as_version=4)
    for i, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            text = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")
            out[meta.get("grade_id")] = (text, i)
    return out
