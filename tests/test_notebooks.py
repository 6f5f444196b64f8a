"""Every lesson and solution notebook runs, is committed clean, and keeps the course's rules."""

from __future__ import annotations

import re
import shutil

import nbformat
import pytest
from conftest import ASSIGNMENTS, LESSONS, REPO
from nbclient import NotebookClient

from qicourse import load_cases
from qicourse.course import is_clean
from qicourse.misconceptions import MISCONCEPTIONS
from qicourse.specs import read_notebook

ALL_NOTEBOOKS = [*LESSONS, *sorted(REPO.glob("instructor/*.ipynb")), *sorted(REPO.glob("solutions/*/*.ipynb")), *sorted(REPO.glob("exercises/*/*.ipynb"))]
CURRICULUM_OBJECTIVES = {
    "M01": ["M01.1", "M01.2", "M01.3", "M01.4"],
    "M02": ["M02.1", "M02.2", "M02.3"],
    "M03": ["M03.1", "M03.2", "M03.3"],
    "M04": ["M04.1", "M04.2", "M04.3"],
    "M05": ["M05.1", "M05.2", "M05.3"],
    "M06": ["M06.1", "M06.2", "M06.3", "M06.4"],
    "M07": ["M07.1", "M07.2", "M07.3"],
    "M08": ["M08.1", "M08.2", "M08.3", "M08.4", "M08.5"],
    "M09": ["M09.1", "M09.2", "M09.3"],
    "M10": ["M10.1", "M10.2", "M10.3"],
}
# Modules whose curriculum or issue asks for a graded pandas/matplotlib item on the case table
VALUE_ITEM_MODULES = {"M01", "M02", "M04", "M09"}
# "Name v. Name, 457 U.S. 800" (also S. Ct. and F.3d cites) anywhere in a notebook
CITE = re.compile(r"((?:[A-Z][\w.'&-]*\s)*?[A-Z][\w.'&-]*(?: [\w.'&-]+)* v\. [^,;()]+?), (\d+ (?:U\.S\.|S\. Ct\.|F\.\dd|F\. Supp\. \dd) \d+)")


def _run(path, cwd, tmp_path):
    nb = nbformat.read(str(path), as_version=4)
    NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}).execute()
    return nb


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lesson_executes_top_to_bottom(path, tmp_path):
    # run in a copy of lessons/: nothing is written into the repository
    work = tmp_path / "lessons"
    shutil.copytree(REPO / "lessons", work)
    nb = _run(work / path.name, work, tmp_path)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors[:1]


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_solution_executes_top_to_bottom_in_a_copy(aid, tmp_path):
    work = tmp_path / aid
    shutil.copytree(REPO / "solutions" / aid, work)
    for path in work.glob("*.ipynb"):
        nb = _run(path, work, tmp_path)
        errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
        assert not errors, errors[:1]


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: str(p.relative_to(REPO)))
def test_committed_clean(path):
    assert is_clean(path) == []


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: str(p.relative_to(REPO)))
def test_every_citation_matches_the_case_table(path):
    table = load_cases()
    known = {}
    for _, row in table.iterrows():
        for col in ("us_cite", "sct_cite"):
            if row[col]:
                known[row[col]] = row["short_name"]
        m = re.search(r", (\d+ [A-Z][\w. ]+? \d+) \(", row["citation"])
        if m:
            known[m.group(1)] = row["short_name"]
    text = "\n".join(c.source for c in nbformat.read(str(path), as_version=4).cells)
    for name, reporter in CITE.findall(text):
        assert reporter in known, f"{name}, {reporter}: not in data/cases.csv"
        assert _surname(known[reporter]) in name, f"{name}, {reporter}: the table says {known[reporter]}"


def _surname(short_name: str) -> str:
    """The last word of the first party's name ("Fitzgerald" is not it: "Harlow" is)."""
    return short_name.split(" v. ")[0].split()[-1]


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_exercise_meets_the_course_standard(aid):
    """>= 8 graded quiz questions covering every objective of the module, a linked pair,
    a code item where the module calls for one, a hand-graded written answer, and tags
    from the shared vocabulary."""
    module = "M" + aid[:2]
    nb = nbformat.read(str(next((REPO / "solutions" / aid).glob("*.ipynb"))), as_version=4)
    specs = read_notebook(nb)
    quizzes = {q: c for q, c in specs.grades.items() if c.func in ("grade_choice", "grade_multi")}
    assert len(quizzes) >= 8
    covered = {c.args.get("objective") for c in specs.grades.values()}
    assert set(CURRICULUM_OBJECTIVES[module]) <= covered, f"objectives not assessed: {set(CURRICULUM_OBJECTIVES[module]) - covered}"
    assert any(c.args.get("pair") for c in quizzes.values()), "no prong-linked pair"
    if module in VALUE_ITEM_MODULES:
        assert any(c.func == "check_value" for c in specs.grades.values()), "no pandas/matplotlib item"
    written = [c for c in nb.cells if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("grade")]
    assert written, "no hand-graded written answer"
    for qid, call in quizzes.items():
        choices = specs.questions[qid].args["choices"]
        assert set(call.args["explanations"]) == set(choices), f"{qid}: every choice needs an explanation"
        tags = set((call.args.get("misconceptions") or {}).values())
        assert tags <= set(MISCONCEPTIONS), f"{qid}: unknown misconception tags {tags - set(MISCONCEPTIONS)}"
        assert set(call.args.get("misconceptions") or {}) <= set(choices), f"{qid}: tag on a choice that does not exist"
        assert float(call.args["points"]) == float(call.points), f"{qid}: points differ from the cell's"
        keys = call.args["key"] if isinstance(call.args["key"], list) else [call.args["key"]]
        assert set(keys) <= set(choices)
        if call.args.get("pair"):
            assert call.args["pair"]["with"] in quizzes
    _assert_key_not_given_away_by_length(
        {qid: (specs.questions[qid].args["choices"], call.args["key"]) for qid, call in quizzes.items()})


def _assert_key_not_given_away_by_length(items):
    """A test-wise guesser who always picks the longest choice must not pass.

    Careful keys tend to grow qualifications that distractors lack; across the single-choice
    items of one notebook the key may be the longest choice at most half the time.
    """
    single = {q: (ch, k) for q, (ch, k) in items.items() if isinstance(k, str)}
    longest = sorted(q for q, (ch, k) in single.items()
                     if all(len(ch[k]) > len(text) for letter, text in ch.items() if letter != k))
    assert len(longest) <= len(single) / 2, (
        f"the key is the longest choice in {len(longest)} of {len(single)} single-choice items: {longest}")


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lesson_frame_and_practice_quizzes(path):
    nb = nbformat.read(str(path), as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for heading in ("Questions", "Objectives", "Time", "Key points", "Further reading"):
        assert heading in text, f"{path.name} lacks {heading!r}"
    assert "not legal advice" in text
    module = "M" + path.name[:2]
    for objective in CURRICULUM_OBJECTIVES[module]:
        assert objective in text, f"{path.name} does not name objective {objective}"
    practice = read_notebook(nb).practice
    assert len(practice) >= 5
    for qid, call in practice.items():
        assert set(call.args["explanations"]) == set(call.args["choices"]), qid
        cell = nb.cells[call.cell_index]
        assert cell.metadata.get("jupyter", {}).get("source_hidden"), f"{qid}: its source (the answer) is not hidden"
    _assert_key_not_given_away_by_length(
        {qid: (call.args["choices"], call.args["correct"]) for qid, call in practice.items()})


def test_case_table_is_complete_and_well_formed():
    df = load_cases()
    assert df["case_id"].is_unique
    required = ["case_id", "short_name", "citation", "year", "court", "per_curiam", "holding", "modules",
                "cite_verified", "verification"]
    assert not [c for c in required if c not in df.columns]
    assert (df["citation"].str.len() > 0).all() and (df["holding"].str.len() > 0).all()
    assert df["year"].between(1871, 2026).all()
    scotus = df[df["court"] == "U.S. Supreme Court"]
    has_us = scotus["citation"].str.contains(r"\d+ U\.S\. \d+")
    # the official U.S. Reports cite is used wherever one was verified
    assert (has_us | (scotus["us_cite"] == "") | ~scotus["cite_verified"] | scotus["citation"].str.contains("S. Ct.")).all()
