"""Make the submissions a real class produces, for tests, benchmarks and demo classes.

A submission is a copy of the released folder under
``submitted/<student>/<assignment>/`` with a ``timestamp.txt``, modified the way
students modify it: answers recorded through the real answer store, code typed into
answer cells, cells deleted, the store lost or damaged, notebook-only uploads.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any, Mapping

import nbformat

from . import answers as _answers
from .specs import read_notebook

TIMESTAMP = "2026-11-20 10:00:00.000000 UTC"


def notebook_path(folder: Path) -> Path:
    notebooks = sorted(folder.glob("*.ipynb"))
    if len(notebooks) != 1:
        raise ValueError(f"{folder}: expected one notebook, found {len(notebooks)}")
    return notebooks[0]


def start(course: Path, student: str, assignment: str, *, timestamp: str = TIMESTAMP) -> Path:
    """Copy the release into ``submitted/<student>/<assignment>`` and stamp it."""
    dest = course / "submitted" / student / assignment
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(course / "exercises" / assignment, dest)
    (dest / "timestamp.txt").write_text(timestamp)
    return dest


def record_answers(folder: Path, choices: Mapping[str, Any]) -> None:
    """Record answers in the folder's store, exactly as clicks would."""
    for qid, choice in choices.items():
        _answers.record(qid, choice, "widget", folder)


def set_code(folder: Path, grade_id: str, source: str) -> None:
    """Type ``source`` into the answer cell ``grade_id`` (replacing its stub)."""
    path = notebook_path(folder)
    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            cell.source = source
            break
    else:
        raise KeyError(f"{path.name} has no cell {grade_id!r}")
    nbformat.write(nb, str(path))


def insert_cell(folder: Path, index: int, source: str, cell_type: str = "code") -> None:
    path = notebook_path(folder)
    nb = nbformat.read(str(path), as_version=4)
    make = nbformat.v4.new_code_cell if cell_type == "code" else nbformat.v4.new_markdown_cell
    nb.cells.insert(index, make(source))
    nbformat.write(nb, str(path))


def delete_cell(folder: Path, grade_id: str) -> None:
    path = notebook_path(folder)
    nb = nbformat.read(str(path), as_version=4)
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != grade_id]
    nbformat.write(nb, str(path))


def execute(folder: Path, timeout: int = 120) -> None:
    """Run the notebook top to bottom in a real kernel in its folder and save it, as a
    student's "Restart & Run All, then save" does (receipts land in the outputs)."""
    from nbclient import NotebookClient

    path = notebook_path(folder)
    nb = nbformat.read(str(path), as_version=4)
    env_backup = {k: os.environ.pop(k) for k in ("NBGRADER_EXECUTION", "QICOURSE_STATIC") if k in os.environ}
    try:
        NotebookClient(nb, timeout=timeout, allow_errors=True, kernel_name="python3",
                       resources={"metadata": {"path": str(folder)}}).execute()
    finally:
        os.environ.update(env_backup)
    nbformat.write(nb, str(path))


def from_solutions(course: Path, student: str, assignment: str) -> Path:
    """A student who worked through the instructor's solutions in their own folder."""
    dest = start(course, student, assignment)
    for nb in (course / "solutions" / assignment).glob("*.ipynb"):
        shutil.copy(nb, dest / nb.name)
    execute(dest)
    return dest


def key_of(course: Path, assignment: str) -> dict[str, dict]:
    """qid -> grading spec (key, points, kind, …) read from the solutions notebook(s)."""
    keys = {}
    for nb_path in (course / "solutions" / assignment).glob("*.ipynb"):
        specs = read_notebook(nbformat.read(str(nb_path), as_version=4))
        for qid, call in specs.grades.items():
            keys[qid] = {**call.args, "kind": call.func, "points": float(call.points or call.args.get("points", 0)),
                         "choices": list(specs.questions[qid].args["choices"]) if qid in specs.questions else None}
    return keys
