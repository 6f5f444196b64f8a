"""Quiz widgets for lessons (practice) and exercises (graded), and ``answer()``.

Graded quizzes record the learner's choice (see :mod:`qicourse.answers`) and never say
whether it is right: the key and the explanations live only in the instructor's hidden
test cells. Practice quizzes answer at once, with an explanation for every choice.

Every quiz can also be answered in plain Python (``answer("m01_q1", "b")`` for graded
questions, ``check("l01_p1", "b")`` for practice ones), for screen-reader users and
editors without widget support; it records exactly as a click does.
"""

from __future__ import annotations

import html
from typing import Mapping, Sequence

from . import answers as _answers
from .questions import CODE_EXAMPLE_MULTI, CODE_EXAMPLE_SINGLE, Question, QuestionError, static_mode

# Questions shown in this kernel, so answer() can validate letters and update widgets.
_graded: dict[str, "_GradedView"] = {}
_practice: dict[str, "_PracticeQuestion"] = {}


def _display(obj, **kwargs):
    from IPython.display import display

    return display(obj, **kwargs)


# ipywidgets gives radio and checkbox labels one fixed line; quiz choices are sentences.
_CSS = """<style>
.qicourse-quiz .widget-radio-box label, .qicourse-quiz .widget-checkbox label {
  height: auto !important; white-space: normal !important; overflow: visible !important;
  display: flex !important; gap: 6px; line-height: 1.4; margin: 2px 0 8px 0; align-items: flex-start; }
.qicourse-quiz .widget-checkbox { height: auto !important; }
.qicourse-quiz .widget-radio-box input, .qicourse-quiz .widget-checkbox input { margin-top: 3px; flex-shrink: 0; }
.qicourse-quiz .widget-radio-box { width: 100%; }
.qicourse-status { line-height: 1.5; }
</style>"""


def _quiz_box(children):
    import ipywidgets as w

    box = w.VBox([w.HTML(_CSS), *children], layout=w.Layout(width="100%"))
    box.add_class("qicourse-quiz")
    return box


def _receipt_id(qid: str) -> str:
    return f"qicourse-receipt-{qid}"


# --------------------------------------------------------------------------- graded
class _GradedView:
    """A graded question as shown in the notebook: widget (if any) and receipt."""

    def __init__(self, question: Question):
        self.question = question
        self.control = None  # RadioButtons, or list of Checkbox for multiple select
        self.status = None
        self._silent = False

    # The entry currently on file for this question, or None (unreadable store: None).
    def saved(self):
        try:
            entry = _answers.read_store().get(self.question.qid)
        except _answers.StoreError:
            return None
        if _answers.entry_problem(self.question.qid, entry):
            return None
        try:
            self.question.normalise(entry["choice"])
        except QuestionError:
            return None
        return entry

    def receipt(self, entry):
        label = self.question.label(entry["choice"]) if entry else ""
        return _answers.receipt_bundle(self.question.qid, entry, label)

    def record(self, choice, via: str) -> dict:
        choice = self.question.normalise(choice)
        entry = _answers.record(self.question.qid, choice, via)
        self._show_saved(entry)
        # Refresh the receipt in the quiz cell; frontends that route display updates
        # from widget callbacks keep the notebook's copy current without a re-run.
        _display(self.receipt(entry), raw=True, display_id=_receipt_id(self.question.qid), update=True)
        return entry

    def _show_saved(self, entry):
        if self.status is not None:
            self.status.value = _status_html(
                f"Saved: {html.escape(self.question.label(entry['choice']))}. "
                "Graded after you submit. Before submitting: Kernel → Restart Kernel and Run All Cells, then save."
            )
        if self.control is not None:
            self._silent = True
            try:
                if self.question.multiple:
                    for box in self.control:
                        box.value = box.description_letter in entry["choice"]
                else:
                    self.control.value = entry["choice"]
            finally:
                self._silent = False


def _status_html(text_html: str) -> str:
    return f'<div class="qicourse-status" role="status" aria-live="polite">{text_html}</div>'


def _graded_quiz(qid, prompt, choices, *, multiple, objective):
    question = Question(qid, prompt, dict(choices), multiple=multiple, objective=objective)
    view = _GradedView(question)
    _graded[qid] = view
    entry = view.saved()
    if static_mode():
        _print_static(question, entry)
        return None
    _display_graded_widget(view, entry)
    _display(view.receipt(entry), raw=True, display_id=_receipt_id(qid))
    return None


def _print_static(question: Question, entry) -> None:
    kind = "select all that apply" if question.multiple else "choose one"
    lines = [f"[{question.qid}] {question.prompt} ({kind})"]
    lines += [f"  ({k}) {v}" for k, v in question.choices.items()]
    lines.append("  Recorded answer: " + (question.label(entry["choice"]) if entry else "none"))
    print("\n".join(lines))


def _display_graded_widget(view: _GradedView, entry) -> None:
    import ipywidgets as w

    q = view.question
    heading = w.HTML(f"<p><b>{html.escape(q.qid)}.</b> {html.escape(q.prompt)}</p>")
    if q.multiple:
        boxes = []
        for letter, text in q.choices.items():
            box = w.Checkbox(
                value=bool(entry and letter in entry["choice"]),
                description=f"({letter}) {text}",
                indent=False,
                layout=w.Layout(width="auto"),
            )
            box.description_letter = letter
            boxes.append(box)

        def on_toggle(_change):
            if not view._silent:
                view.record([b.description_letter for b in boxes if b.value], via="widget")

        for box in boxes:  # observers after initial values: rebuilding never re-records
            box.observe(on_toggle, names="value")
        view.control = boxes
        body = w.VBox(boxes)
        hint = "Select all that apply; each change is saved."
    else:
        radio = w.RadioButtons(
            options=[(f"({k}) {v}", k) for k, v in q.choices.items()],
            value=entry["choice"] if entry else None,
            layout=w.Layout(width="auto"),
        )

        def on_pick(change):
            if change["new"] is not None and not view._silent:
                view.record(change["new"], via="widget")

        radio.observe(on_pick, names="value")
        view.control = radio
        body = radio
        hint = "Choose one; your choice is saved when you click."
    if entry:
        status = _status_html(f"Saved: {html.escape(q.label(entry['choice']))}. Graded after you submit.")
    else:
        status = _status_html(f"Not answered yet. {hint}")
    view.status = w.HTML(status)
    code_hint = w.HTML(
        f'<p style="font-size:smaller">Or answer in code: <code>answer("{q.qid}", '
        f'{html.escape(CODE_EXAMPLE_MULTI if q.multiple else CODE_EXAMPLE_SINGLE)})</code></p>'
    )
    _display(_quiz_box([heading, body, view.status, code_hint]))


def single_choice(qid: str, prompt: str, choices: Mapping[str, str], *, objective: str | None = None):
    """Show a graded single-choice question (answers are recorded, not marked)."""
    return _graded_quiz(qid, prompt, choices, multiple=False, objective=objective)


def multiple_select(qid: str, prompt: str, choices: Mapping[str, str], *, objective: str | None = None):
    """Show a graded select-all-that-apply question."""
    return _graded_quiz(qid, prompt, choices, multiple=True, objective=objective)


def answer(qid: str, choice) -> None:
    """Record an answer in plain Python: ``answer("m01_q3", "b")`` or ``answer("m01_q7", ["a", "c"])``.

    Records exactly as clicking does and shows a receipt in this cell's output, so the
    answer also travels inside the notebook.
    """
    view = _graded.get(qid)
    if view is None:
        # The question cell has not run in this kernel: record anyway (the letters are
        # checked against the question at grading time) rather than lose the answer.
        if not isinstance(qid, str) or not qid:
            raise QuestionError("give the question id as a string, e.g. answer(\"m01_q1\", \"b\")")
        stored = Question(qid, "", {c: "" for c in "abcdefghij"}, multiple=not isinstance(choice, str)).normalise(choice)
        entry = _answers.record(qid, stored, via="code")
        bundle = _answers.receipt_bundle(qid, entry, str(stored))
        if static_mode():
            print(bundle["text/plain"])
        else:
            _display(bundle, raw=True)
        return None
    entry = view.record(choice, via="code")
    if not static_mode():
        _display(view.receipt(entry), raw=True)
    else:
        print(f"{qid}: recorded {view.question.label(entry['choice'])}")


# ------------------------------------------------------------------------- practice
class _PracticeQuestion:
    def __init__(self, question: Question, correct, explanations: Mapping[str, str]):
        missing = [k for k in question.choices if k not in explanations]
        if missing:
            raise QuestionError(f"{question.qid}: every choice needs an explanation; missing {missing}")
        self.question = question
        self.correct = question.normalise(correct)
        self.explanations = dict(explanations)

    def feedback(self, choice) -> tuple[bool, str]:
        """(is it right, feedback text) for a learner's choice: every choice explained.

        The choices are on screen right above, so the text names them by letter only.
        """
        q = self.question
        choice = q.normalise(choice)
        letters = lambda cs: ", ".join(f"({c})" for c in cs) if cs else "none"
        if q.multiple:
            right = choice == self.correct
            lines = ["Correct." if right else f"Not quite. The answer is {letters(self.correct)}; you chose {letters(choice)}."]
            for letter in q.choices:
                verdict = "right to pick" if letter in self.correct else "not one to pick"
                lines.append(f"({letter}) {verdict}: {self.explanations[letter]}")
            return right, "\n".join(lines)
        right = choice == self.correct
        if right:
            return True, f"Correct: ({choice}). {self.explanations[choice]}"
        return False, (f"Not quite. You chose ({choice}): {self.explanations[choice]}\n"
                       f"The answer is ({self.correct}): {self.explanations[self.correct]}")


def practice(
    qid: str,
    prompt: str,
    choices: Mapping[str, str],
    *,
    correct: str | Sequence[str],
    explanations: Mapping[str, str],
    objective: str | None = None,
):
    """A practice question with instant feedback and an explanation for every choice."""
    multiple = not isinstance(correct, str)
    question = Question(qid, prompt, dict(choices), multiple=multiple, objective=objective)
    pq = _PracticeQuestion(question, correct, explanations)
    _practice[qid] = pq
    if static_mode():
        _display(_practice_static_bundle(pq), raw=True)
        return None
    import ipywidgets as w

    feedback = w.HTML(_status_html("Choose an answer to see feedback."))
    if multiple:
        boxes = []
        for letter, text in question.choices.items():
            box = w.Checkbox(value=False, description=f"({letter}) {text}", indent=False, layout=w.Layout(width="auto"))
            box.description_letter = letter
            boxes.append(box)
        button = w.Button(description="Check my answer", button_style="")

        def on_check(_):
            picked = [b.description_letter for b in boxes if b.value]
            feedback.value = _feedback_html(*pq.feedback(picked))

        button.on_click(on_check)
        body = w.VBox([*boxes, button])
    else:
        radio = w.RadioButtons(options=[(f"({k}) {v}", k) for k, v in question.choices.items()], value=None,
                               layout=w.Layout(width="auto"))

        def on_pick(change):
            if change["new"] is not None:
                feedback.value = _feedback_html(*pq.feedback(change["new"]))

        radio.observe(on_pick, names="value")
        body = radio
    heading = w.HTML(f"<p><b>Practice {html.escape(qid)}.</b> {html.escape(prompt)}</p>")
    _display(_quiz_box([heading, body, feedback]))
    return None


def check(qid: str, choice) -> None:
    """Answer a practice question in plain Python and print the feedback."""
    pq = _practice.get(qid)
    if pq is None:
        raise QuestionError(f"{qid}: run the cell that shows this practice question first.")
    _right, text = pq.feedback(choice)
    print(text)


def _feedback_html(right: bool, text: str) -> str:
    mark = "✔ " if right else "✘ "
    body = "<br>".join(html.escape(line) for line in text.split("\n"))
    return _status_html(f"<b>{mark}</b>{body}")


def _practice_static_bundle(pq: _PracticeQuestion) -> dict:
    q = pq.question
    lines = [f"Practice {q.qid}. {q.prompt}"] + [f"  ({k}) {v}" for k, v in q.choices.items()]
    answer_lines = [f"Answer: {q.label(pq.correct)}"] + [
        f"  ({k}) {pq.explanations[k]}" for k in q.choices
    ]
    items = "".join(f"<li>({html.escape(k)}) {html.escape(v)}</li>" for k, v in q.choices.items())
    expl = "".join(f"<li>({html.escape(k)}) {html.escape(pq.explanations[k])}</li>" for k in q.choices)
    page = (
        f"<p><b>Practice {html.escape(q.qid)}.</b> {html.escape(q.prompt)}</p><ul>{items}</ul>"
        f"<details><summary>Show the answer and an explanation for every choice</summary>"
        f"<p>Answer: {html.escape(q.label(pq.correct))}</p><ul>{expl}</ul></details>"
    )
    return {"text/plain": "\n".join(lines + [""] + answer_lines), "text/html": page}
