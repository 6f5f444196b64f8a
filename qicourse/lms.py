"""LMS in and out: collect a Canvas-style submissions download, export a gradebook CSV.

**In.** Canvas's "Download Submissions" zip names every file
``<sortablename>[_LATE]_<user id>_<submission id>_<original name>``, and renames a
re-upload ``name-1.ipynb``. Students upload either the notebook alone, the notebook and
its ``qicourse-answers.json``, or their whole exercise folder as a ``.zip`` (which
nbgrader's extractor unpacks). :class:`CanvasCollector` maps each of these to
``submitted/<student id>/<assignment>/<file>`` for ``nbgrader zip_collect``; the student
id is the Canvas user id unless a roster maps it to another.

**Out.** :func:`export_lms_csv` writes one row per student and one column per assignment
in the shape an LMS gradebook imports (Canvas: ``Student, ID, SIS User ID, SIS Login ID,
Section``, then the assignments), next to nbgrader's own ``nbgrader export`` CSV.
"""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

from nbgrader.plugins import FileNameCollectorPlugin
from traitlets import List, Unicode

from .answers import STORE_NAME

CANVAS_NAME = re.compile(
    r"^(?P<sortable>[a-z0-9-]+?)(?P<late>_LATE)?_(?P<user_id>\d+)_(?P<submission_id>\d+)_(?P<original>.+)$")
RESUBMISSION = re.compile(r"^(?P<stem>.+?)-\d+(?P<ext>\.[A-Za-z0-9]+)$")


class CanvasCollector(FileNameCollectorPlugin):
    """zip_collect plugin for Canvas-style names, notebook-only uploads and zipped folders."""

    valid_ext = List([".ipynb", ".json"]).tag(config=True)
    roster = Unicode("", help="CSV with columns lms_id,student_id mapping Canvas user ids to "
                              "gradebook student ids (optional)").tag(config=True)

    def collect(self, submitted_file: str):
        path = Path(submitted_file)
        if path.suffix not in self.valid_ext:
            return None
        for i, part in enumerate(reversed(path.parts[:-1] + (path.name,))):
            match = CANVAS_NAME.match(part)
            if match:
                break
        else:
            self.log.warning("Not a Canvas-style submission name, skipped: %s", submitted_file)
            return None
        inside_zip = i > 0  # the match was a folder: the file came out of an uploaded zip
        name = path.name if inside_zip else match.group("original")
        name = self._undo_resubmission_suffix(name)
        if path.suffix == ".json" and name != STORE_NAME:
            return None  # only the answer file travels with the notebook
        student = self._student_id(match.group("user_id"))
        return {"student_id": student, "file_id": name}

    @staticmethod
    def _undo_resubmission_suffix(name: str) -> str:
        m = RESUBMISSION.match(name)
        return m.group("stem") + m.group("ext") if m else name

    def _student_id(self, user_id: str) -> str:
        return _roster_map(self.roster).get(user_id, user_id)


def _roster_map(path: str) -> dict[str, str]:
    if not path or not os.path.exists(path):
        return {}
    with open(path, newline="", encoding="utf-8") as f:
        return {row["lms_id"]: row["student_id"] for row in csv.DictReader(f) if row.get("lms_id")}


def canvas_file_name(sortable: str, user_id: int, submission_id: int, original: str, late: bool = False) -> str:
    """The name Canvas gives a downloaded submission file (used by the demo class)."""
    return f"{sortable}{'_LATE' if late else ''}_{user_id}_{submission_id}_{original}"


def export_lms_csv(db_url: str, out: str | os.PathLike, *, roster: str | None = None,
                   assignments: list[str] | None = None) -> Path:
    """Write a Canvas-importable gradebook CSV (total score per assignment, late penalty applied).

    Columns: Student, ID, SIS User ID, SIS Login ID, Section, then one per assignment
    headed ``<assignment> (<max points>)``. With a roster (columns student_id, name,
    lms_id, sis_user_id, sis_login_id, section) the LMS's own ids are filled in;
    without one, ID is the gradebook's student id. Canvas matches a column to an
    assignment by its header: rename a header to the Canvas assignment's before import.
    """
    from nbgrader.api import Gradebook, MissingEntry

    people = {}
    if roster:
        with open(roster, newline="", encoding="utf-8") as f:
            people = {row["student_id"]: row for row in csv.DictReader(f)}
    out = Path(out)
    with Gradebook(db_url) as gb:
        names = assignments or sorted(a.name for a in gb.assignments)
        maxes = {a: gb.find_assignment(a).max_score for a in names}
        header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"] + [f"{a} ({maxes[a]:g})" for a in names]
        rows = []
        for student in sorted(gb.students, key=lambda s: s.id):
            info = people.get(student.id, {})
            display = info.get("name") or " ".join(x for x in (student.first_name, student.last_name) if x) or student.id
            row = [display, info.get("lms_id") or student.id, info.get("sis_user_id", ""),
                   info.get("sis_login_id", ""), info.get("section", "")]
            for a in names:
                try:
                    row.append(f"{gb.find_submission(a, student.id).score:g}")
                except MissingEntry:
                    row.append("0")  # no submission: zero, as nbgrader's own export does
            rows.append(row)
    with out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return out
