"""How the course plugs into nbgrader: preprocessors, hooks and the whole config.

``nbgrader_config.py`` at the course root calls :func:`configure`; the learner's
"check my work" scratch course calls it too, so both grade with the same settings.

Autograde runs two passes over each submitted notebook (nbgrader 0.9):
sanitize (``ClearOutput`` …) then autograde (``Execute`` … ``SaveAutoGrades``). We add:

* :class:`HarvestAnswers`, first in the sanitize pass, before outputs are cleared: it
  merges the receipts saved inside the notebook with the submitted answer store (the
  newest valid entry per question wins) and keeps the result in notebook metadata,
  where nothing the student's kernel does can reach it;
* :class:`RestoreAnswerStore`, first in the autograde pass: writes that merged record
  as the store the kernel reads, so quiz cells show what the student answered;
* :class:`VerifyGrades`, right after ``Execute``: recomputes every quiz and value
  score in this (the grader's) process and rewrites the test cell's output, so
  monkeypatching or redefining names in the student's kernel gains nothing. It also
  writes ``qicourse-graded.json`` beside the autograded notebook for analytics.
"""

from __future__ import annotations

import glob
import json
import os
from pathlib import Path

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbformat import NotebookNode
from nbgrader.preprocessors import (
    AssignLatePenalties, CheckCellMetadata, ClearHiddenTests, ClearOutput, DeduplicateIds, Execute, GetGrades,
    IgnorePattern, LimitOutput, NbGraderPreprocessor, OverwriteCells, OverwriteKernelspec, SaveAutoGrades,
)

from . import answers as _answers
from . import grading as _grading
from . import specs as _specs

META_KEY = "qicourse"
GRADED_RECORD = "qicourse-graded.json"
HIDDEN_BEGIN = "### BEGIN HIDDEN TESTS"
# Files that must never travel from solutions/ to students nor overwrite their copies.
INSTRUCTOR_ONLY_PATTERNS = (_answers.STORE_NAME, GRADED_RECORD, ".*.tmp")
CODE_STUB = "# YOUR CODE HERE"


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


class HarvestAnswers(NbGraderPreprocessor):
    """Sanitize pass: capture the submitted answers (receipts + store) before anything runs."""

    def preprocess(self, nb, resources):
        folder = (resources.get("metadata") or {}).get("path") or "."
        sources = list(_answers.receipts_in(nb))
        problem = None
        try:
            sources += list(_answers.read_store(folder).items())
        except _answers.StoreError as exc:
            problem = str(exc)
            self.log.warning("%s: %s; using the receipts saved in the notebook", folder, problem)
        merged = _answers.newest(sources)
        nb.metadata[META_KEY] = {"answers": merged, "store_problem": problem}
        return nb, resources


class RestoreMissingTestCells(NbGraderPreprocessor):
    """Sanitize pass, after OverwriteCells: put back graded test cells a student deleted.

    nbgrader restores *changed* locked cells from the gradebook but not deleted ones,
    so a deleted test cell would cost the points of an answer the student did record.
    A restored cell goes right after its question cell (``<grade_id>_answer``), else last.
    (nbgrader's own ``OverwriteCells.add_missing_cells`` raises KeyError, failing the whole
    submission, when the cell before the deleted one is not a graded or solution cell.)
    """

    def preprocess(self, nb, resources):
        from nbgrader.api import Gradebook, MissingEntry

        info = resources.get("nbgrader") or {}
        present = {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells}
        try:
            with Gradebook(info["db_url"]) as gb:  # opened as nbgrader's own OverwriteCells does
                notebook = gb.find_notebook(info["notebook"], info["assignment"])
                sources = {sc.name: sc for sc in notebook.source_cells}
                missing = [(gc.name, gc.max_score, sources[gc.name]) for gc in notebook.grade_cells
                           if gc.name not in present and gc.name in sources and gc.cell_type == "code"]
                missing = [(n, p, type("Src", (), {"source": s.source, "checksum": s.checksum}))
                           for n, p, s in missing]  # detach from the closing session
        except (KeyError, MissingEntry):
            return nb, resources
        for name, points, source in missing:
            cell = NotebookNode(cell_type="code", source=source.source, outputs=[], execution_count=None,
                                id=f"restored-{name}"[:64],
                                metadata=NotebookNode(nbgrader=NotebookNode(
                                    grade=True, grade_id=name, locked=True, points=points, schema_version=3,
                                    solution=False, task=False, checksum=source.checksum, cell_type="code")))
            ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
            at = ids.index(f"{name}_answer") + 1 if f"{name}_answer" in ids else len(nb.cells)
            nb.cells.insert(at, cell)
            self.log.warning("Restored deleted test cell %s from the gradebook", name)
        return nb, resources


class RestoreAnswerStore(NbGraderPreprocessor):
    """Autograde pass, before Execute: the kernel reads the harvested answers."""

    def preprocess(self, nb, resources):
        folder = (resources.get("metadata") or {}).get("path") or "."
        harvested = (nb.metadata.get(META_KEY) or {}).get("answers") or {}
        _answers.write_store(harvested, folder)
        return nb, resources


class VerifyGrades(NbGraderPreprocessor):
    """Autograde pass, after Execute: authoritative scores from the pre-run snapshot."""

    def preprocess(self, nb, resources):
        folder = (resources.get("metadata") or {}).get("path") or "."
        snapshot = (nb.metadata.get(META_KEY) or {}).get("answers") or {}
        specs = _specs.read_notebook(nb)
        graded = {}
        for qid, call in specs.grades.items():
            cell = nb.cells[call.cell_index]
            meta = cell.metadata.get("nbgrader", {})
            if not meta.get("grade") or cell.cell_type != "code":
                continue
            spec = _specs.grade_spec(call)
            spec["points"] = float(meta.get("points", spec.get("points", 0)))  # the gradebook's points rule
            if call.func == "check_value":
                reported = [o for o in cell.get("outputs", []) if _value_of(o, qid) is not None]
                have = bool(reported)
                value = _value_of(reported[0], qid)[1] if have else None
                outcome = _grading.score_value(spec, value, have)
            else:
                question = specs.questions.get(qid)
                choices = question.args.get("choices") if question else None
                linked = snapshot.get(spec["pair"]["with"]) if spec.get("pair") else None
                outcome = _grading.score_choice(spec, snapshot.get(qid), choices, linked)
            outcome.score = min(max(outcome.score, 0.0), spec["points"])
            cell.outputs = [
                NotebookNode(output_type="stream", name="stdout", text=outcome.text() + "\n"),
                NotebookNode(output_type="execute_result", execution_count=cell.get("execution_count"),
                             metadata={}, data={"text/plain": repr(float(outcome.score))}),
            ]
            graded[qid] = {"score": outcome.score, "points": spec["points"], "answer": outcome.choice,
                           "objective": spec.get("objective"), "grade_id": meta.get("grade_id"),
                           "kind": call.func}
        notebook = (resources.get("nbgrader") or {}).get("notebook", "notebook")
        record_path = Path(folder) / GRADED_RECORD
        try:
            previous = json.loads(record_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            previous = {}
        previous = previous if isinstance(previous, dict) else {}
        previous[notebook] = graded
        record_path.write_text(json.dumps(previous, indent=1, sort_keys=True), encoding="utf-8")
        return nb, resources


def _value_of(output, qid):
    data = output.get("data") or {}
    payload = data.get(_grading.VALUE_MIME)
    if isinstance(payload, str):
        try:
            payload = json.loads(payload)
        except ValueError:
            return None
    if isinstance(payload, dict) and payload.get("qid") == qid and "value" in payload:
        return (qid, payload["value"])
    return None


class RedactHiddenTestErrors(NbGraderPreprocessor):
    """Feedback: a traceback of a hidden test shows its source (the key); keep one line."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and HIDDEN_BEGIN in _source(cell):
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    out["traceback"] = [f"{out.get('ename', 'Error')}: {out.get('evalue', '')}"]
        return cell, resources


def strip_instructor_files(root: str):
    """A GenerateAssignment post-convert hook: remove answer stores from the release."""

    def hook(assignment, student, notebooks):  # nbgrader passes all three as keywords
        release = Path(root) / "exercises" / assignment
        for pattern in INSTRUCTOR_ONLY_PATTERNS:
            for path in release.rglob(pattern):
                path.unlink()

    return hook


def assignments(root: str) -> list[str]:
    return sorted(os.path.basename(p.rstrip("/")) for p in glob.glob(os.path.join(root, "solutions", "*", "")))


def configure(c, root: str, *, db_url: str | None = None) -> None:
    """Apply the course's nbgrader settings to the config object ``c``."""
    root = os.path.abspath(root)
    c.CourseDirectory.root = root
    c.CourseDirectory.course_id = "qualified-immunity"
    c.CourseDirectory.source_directory = "solutions"
    c.CourseDirectory.release_directory = "exercises"
    c.CourseDirectory.db_url = db_url or os.environ.get("QICOURSE_DB_URL") or f"sqlite:///{os.path.join(root, 'gradebook.db')}"
    c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".*.tmp"]

    # The release never carries an answer store, and a store in solutions/ (written when
    # an instructor runs the source notebook) never overwrites a student's at autograde.
    c.GenerateAssignment.post_convert_hook = strip_instructor_files(root)
    c.Autograde.exclude_overwriting = {a: list(INSTRUCTOR_ONLY_PATTERNS[:2]) for a in assignments(root)}

    # A stub that does not raise: "Run All" must not stop before the quizzes below it.
    c.ClearSolutions.code_stub = {"python": CODE_STUB}
    c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

    # Execution limits: a student's infinite loop is interrupted and the rest still runs.
    c.Execute.timeout = 30
    c.Execute.interrupt_on_timeout = True
    c.Execute.startup_timeout = 120
    c.LimitOutput.max_lines = 200
    c.LimitOutput.max_traceback = 50

    c.Autograde.sanitize_preprocessors = [HarvestAnswers, ClearOutput, DeduplicateIds, OverwriteKernelspec,
                                          OverwriteCells, RestoreMissingTestCells, CheckCellMetadata]
    # CheckCellMetadata already ran in the sanitize pass on this same notebook; running its
    # jsonschema validation again costs ~0.2 s per student for nothing.
    c.Autograde.autograde_preprocessors = [RestoreAnswerStore, Execute, VerifyGrades, IgnorePattern,
                                           ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
                                           AssignLatePenalties]
    # LMS downloads (Canvas-style names, notebook-only uploads, zipped folders)
    from .lms import CanvasCollector

    c.ZipCollectApp.collector_plugin = CanvasCollector
    # Feedback shows explanations (printed by the test cells) but never a hidden test.
    c.GenerateFeedback.preprocessors = [GetGrades, RedactHiddenTestErrors, ClearHiddenTests,
                                        CSSHTMLHeaderPreprocessor]
