"""Unit tests of the package: answer store, scoring, spec parsing, widgets driven headless."""

from __future__ import annotations

import html
import json
import os

import pytest

from qicourse import answers, grading, quiz, specs
from qicourse.authoring import graded_multi, graded_single, notebook, value_item
from qicourse.questions import Question, QuestionError

SPEC = dict(qid="t_q1", key="b", points=1, explanations={"a": "ea", "b": "eb", "c": "ec"},
            misconceptions={"a": "subjective-good-faith"}, objective="M01.1", multiple=False)


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    return tmp_path


# ----------------------------------------------------------------- answer store
def test_record_and_read_round_trip(in_tmp):
    entry = answers.record("t_q1", "b", "widget")
    assert answers.read_store() == {"t_q1": entry}
    assert answers.entry_problem("t_q1", entry) is None


def test_store_write_is_atomic_and_leaves_no_temp_file(in_tmp):
    answers.record("t_q1", "a", "code")
    answers.record("t_q2", ["c", "a"], "code")
    assert sorted(p.name for p in in_tmp.iterdir()) == [answers.STORE_NAME]
    assert answers.read_store()["t_q2"]["choice"] == ["a", "c"]


def test_corrupted_store_raises_store_error_and_recording_heals_it(in_tmp):
    (in_tmp / answers.STORE_NAME).write_text('{"answers": {"t_q1": ')
    with pytest.raises(answers.StoreError):
        answers.read_store()
    answers.record("t_q1", "c", "widget")
    assert answers.read_store()["t_q1"]["choice"] == "c"


@pytest.mark.parametrize("mutate, problem", [
    (lambda e: e.update(choice="a"), "digest"),
    (lambda e: e.update(choice=["b", "a"]), "order"),
    (lambda e: e.update(choice=3), "neither"),
    (lambda e: e.pop("digest"), "no timestamp or digest"),
])
def test_tampered_entries_are_detected(mutate, problem):
    entry = answers.make_entry("t_q1", "b", "widget")
    mutate(entry)
    assert problem in answers.entry_problem("t_q1", entry)


def test_entry_for_another_question_is_not_accepted():
    entry = answers.make_entry("t_q1", "b", "widget")
    assert answers.entry_problem("t_q2", entry) is not None


def test_newest_valid_entry_wins_and_invalid_ones_are_ignored():
    old = answers.make_entry("t_q1", "a", "widget")
    new = answers.make_entry("t_q1", "b", "widget")
    forged = dict(new, choice="c", at="9999")
    merged = answers.newest([("t_q1", new), ("t_q1", old), ("t_q1", forged)])
    assert merged["t_q1"]["choice"] == "b"


def test_receipts_are_found_in_notebook_outputs_including_json_as_text():
    entry = answers.make_entry("t_q1", "b", "widget")
    bundle = answers.receipt_bundle("t_q1", entry, "(b) B")
    as_text = dict(bundle, **{answers.RECEIPT_MIME: json.dumps(bundle[answers.RECEIPT_MIME])})
    nb = {"cells": [{"outputs": [{"output_type": "display_data", "data": bundle}]},
                    {"outputs": [{"output_type": "display_data", "data": as_text}]}, {"cell_type": "markdown"}]}
    found = answers.receipts_in(nb)
    assert [q for q, _ in found] == ["t_q1", "t_q1"]
    assert all(answers.entry_problem(q, e) is None for q, e in found)


# ----------------------------------------------------------------------- scoring
def test_single_choice_right_wrong_and_missing():
    right = grading.score_choice(SPEC, answers.make_entry("t_q1", "b", "w"), {"a": "A", "b": "B", "c": "C"})
    wrong = grading.score_choice(SPEC, answers.make_entry("t_q1", "a", "w"))
    missing = grading.score_choice(SPEC, None)
    assert (right.score, wrong.score, missing.score) == (1.0, 0.0, 0.0)
    assert "eb" in right.text() and "(b) B" in right.text()
    assert "ea" in wrong.text() and "subjective-good-faith" in wrong.text() and "eb" in wrong.text()
    assert "No valid recorded answer" in missing.text()


def test_defensible_alternatives_all_earn_full_credit():
    spec = dict(SPEC, key=["b", "c"])
    assert grading.score_choice(spec, answers.make_entry("t_q1", "c", "w")).score == 1.0
    assert "unsettled" in grading.score_choice(spec, answers.make_entry("t_q1", "c", "w")).text()


def test_multi_select_partial_credit_is_right_minus_wrong_never_negative():
    spec = dict(SPEC, key=["a", "c"], points=2, multiple=True)
    score = lambda picked: grading.score_choice(spec, answers.make_entry("t_q1", picked, "w")).score
    assert score(["a", "c"]) == 2.0
    assert score(["a"]) == 1.0
    assert score(["a", "b"]) == 0.0
    assert score(["b"]) == 0.0
    assert score([]) == 0.0


def test_choice_not_in_question_or_wrong_kind_scores_zero():
    assert grading.score_choice(SPEC, answers.make_entry("t_q1", "z", "w")).score == 0.0
    assert grading.score_choice(SPEC, answers.make_entry("t_q1", ["b"], "w")).score == 0.0


def test_pair_note_explains_the_combination():
    spec = dict(SPEC, pair={"with": "t_q0", "notes": {"a+b": "violation but not clearly established", "*": "other"}})
    out = grading.score_choice(spec, answers.make_entry("t_q1", "b", "w"), linked_entry=answers.make_entry("t_q0", "a", "w"))
    assert "violation but not clearly established" in out.text()
    out = grading.score_choice(spec, answers.make_entry("t_q1", "b", "w"), linked_entry=None)
    assert "other" in out.text()


@pytest.mark.parametrize("value, ok", [(12, True), (12.0, True), ("12", False), (None, False), (True, False)])
def test_value_scoring_is_strict_about_types(value, ok):
    out = grading.score_value(dict(qid="v", expected=12, points=2), value, value is not None)
    assert (out.score == 2.0) is ok


def test_to_plain_refuses_objects_that_pretend_to_equal_anything():
    class Liar:
        def __eq__(self, other):
            return True

    assert grading.to_plain(Liar()) == (False, None)
    np = pytest.importorskip("numpy")
    assert grading.to_plain(np.int64(3)) == (True, 3)
    assert grading.to_plain([np.float64(1.5), "x"]) == (True, [1.5, "x"])


def test_kernel_helpers_never_raise_and_never_write_stderr(in_tmp, capsys):
    (in_tmp / answers.STORE_NAME).write_text("not json")
    assert grading.grade_choice("t_q1", key="b", points=1, explanations={"a": "", "b": ""}) == 0.0
    assert grading.grade_choice("t_q1", key="b", points=1, explanations=None) == 0.0  # malformed spec
    assert grading.show_recorded("t_q1") == 0.0
    captured = capsys.readouterr()
    assert captured.err == "" and "could not be read" in captured.out


# ------------------------------------------------------------------------- specs
def test_authoring_output_parses_back_to_the_same_spec():
    cells = [*graded_single("t_q1", "P?", {"a": "A", "b": "B"}, key="b", points=1, objective="M01.1",
                            explanations={"a": "x", "b": "y"}, misconceptions={"a": "subjective-good-faith"}),
             *graded_multi("t_q2", "Q?", {"a": "A", "b": "B", "c": "C"}, key=["c", "a"], points=2, objective="M01.2",
                           explanations={"a": "1", "b": "2", "c": "3"}),
             *value_item("t_v1", "n", "How many?", solution="n = 3", expected=3, points=2, objective="M01.3")]
    parsed = specs.read_notebook(notebook(cells))
    assert parsed.questions["t_q1"].args["choices"] == {"a": "A", "b": "B"}
    assert parsed.grades["t_q1"].args["key"] == "b" and parsed.grades["t_q1"].points == 1
    assert parsed.grades["t_q2"].args["key"] == ["a", "c"] and parsed.grades["t_q2"].args["multiple"]
    assert parsed.grades["t_v1"].args["expected"] == 3 and parsed.grades["t_v1"].func == "check_value"


def test_non_literal_calls_are_not_trusted_as_specs():
    assert specs.calls_in('grade_choice("q", key=KEY, points=1)', ["grade_choice"]) == []


# ------------------------------------------------------------------------ widgets
@pytest.fixture
def shown(monkeypatch):
    """Capture what the quiz module displays instead of sending it to a frontend."""
    shown = []
    monkeypatch.setattr(quiz, "_display", lambda obj, **kw: shown.append((obj, kw)))
    return shown


def _widget(shown):
    import ipywidgets as w

    return next(o for o, _ in shown if isinstance(o, w.VBox))


def test_clicking_a_radio_button_records_and_refreshes_the_receipt(in_tmp, shown):
    quiz.single_choice("t_q1", "Pick", {"a": "A", "b": "B"}, objective="M01.1")
    radio = _widget(shown).children[2]
    assert radio.value is None and answers.read_store() == {}
    radio.value = "b"
    assert answers.read_store()["t_q1"]["choice"] == "b"
    update = [kw for o, kw in shown if kw.get("update")]
    assert update and update[-1]["display_id"] == "qicourse-receipt-t_q1"
    receipt = [o for o, kw in shown if kw.get("update")][-1]
    assert receipt[answers.RECEIPT_MIME]["choice"] == "b"


def test_widget_is_rebuilt_from_the_store_after_a_restart_without_re_recording(in_tmp, shown):
    entry = answers.record("t_q1", "a", "widget")
    quiz._graded.clear()  # a kernel restart forgets everything but the store
    quiz.single_choice("t_q1", "Pick", {"a": "A", "b": "B"})
    assert _widget(shown).children[2].value == "a"
    assert answers.read_store()["t_q1"] == entry  # rebuilding did not write


def test_multiple_select_checkboxes_record_the_set(in_tmp, shown):
    quiz.multiple_select("t_q2", "Pick", {"a": "A", "b": "B", "c": "C"})
    boxes = _widget(shown).children[2].children
    boxes[2].value = True
    boxes[0].value = True
    assert answers.read_store()["t_q2"]["choice"] == ["a", "c"]


def test_plain_python_answer_records_the_same_way_and_validates_letters(in_tmp, shown):
    quiz.single_choice("t_q1", "Pick", {"a": "A", "b": "B"})
    quiz.answer("t_q1", "B")
    assert answers.read_store()["t_q1"]["choice"] == "b"
    assert _widget(shown).children[2].value == "b"  # the widget follows
    with pytest.raises(QuestionError, match="not a choice"):
        quiz.answer("t_q1", "z")


def test_answer_in_code_example_is_a_placeholder_never_a_letter(in_tmp, shown):
    # A real letter in the example ("a") reads as a hint to the key.
    quiz.single_choice("t_q1", "Pick", {"a": "A", "b": "B"})
    hint = _widget(shown).children[-1].value
    assert 'answer("t_q1", "<your letter>")' in html.unescape(hint)
    cells = graded_single("t_q3", "P?", {"a": "A", "b": "B"}, key="a", points=1, objective="M01.1",
                          explanations={"a": "x", "b": "y"})
    released = cells[0].source.split("### BEGIN SOLUTION")[0]
    assert 'answer("t_q3", "<your letter>")' in released and '"a")' not in released
    with pytest.raises(QuestionError, match="Replace the <...> placeholder"):
        quiz.answer("t_q1", "<your letter>")


def test_static_rendering_under_nbgrader_prints_text_not_widgets(in_tmp, shown, capsys, monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    answers.record("t_q1", "b", "code")
    quiz.single_choice("t_q1", "Pick", {"a": "A", "b": "B"})
    assert shown == []
    assert "Recorded answer: (b) B" in capsys.readouterr().out


def test_practice_quiz_explains_every_choice(in_tmp, shown, capsys):
    quiz.practice("l_p1", "Pick", {"a": "A", "b": "B"}, correct="b", explanations={"a": "why a", "b": "why b"})
    radio = _widget(shown).children[2]
    feedback = _widget(shown).children[3]
    radio.value = "a"
    assert "Not quite" in feedback.value and "why a" in feedback.value and "why b" in feedback.value
    radio.value = "b"
    assert "Correct" in feedback.value and 'aria-live="polite"' in feedback.value
    quiz.check("l_p1", "a")
    assert "why a" in capsys.readouterr().out
    with pytest.raises(QuestionError):
        quiz.practice("l_p2", "Pick", {"a": "A", "b": "B"}, correct="b", explanations={"a": "only one"})


def test_question_validation():
    q = Question("t_q1", "P", {"a": "A", "b": "B"})
    assert q.normalise("(A)") == "a"
    with pytest.raises(QuestionError):
        Question("Bad Id", "P", {"a": "A", "b": "B"})
    assert Question("t_q2", "P", {"a": "A", "b": "B"}, multiple=True).normalise("b, a") == ["a", "b"]


def test_package_has_no_notebook_copies_of_helpers():
    """Notebooks import the package; none defines its own quiz or grading helper."""
    from conftest import REPO

    for path in [*REPO.glob("lessons/*.ipynb"), *REPO.glob("solutions/*/*.ipynb")]:
        text = path.read_text()
        for marker in ("def single_choice", "def grade_choice", "def answer(", "RadioButtons("):
            assert marker not in text, f"{path.name} defines {marker!r}; use the qicourse package"


def test_environment_is_isolated():
    assert "NBGRADER_EXECUTION" not in os.environ
