"""What a quiz question is, independent of how it is shown or graded."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Mapping

QID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,60}$")
CHOICE_PATTERN = re.compile(r"^[a-z]$")


class QuestionError(ValueError):
    """A question was defined or answered with something it cannot accept."""


@dataclass(frozen=True)
class Question:
    qid: str
    prompt: str
    choices: Mapping[str, str]  # letter -> text, in display order
    multiple: bool = False
    objective: str | None = None
    extra: dict = field(default_factory=dict)

    def __post_init__(self):
        if not QID_PATTERN.match(self.qid):
            raise QuestionError(f"question id {self.qid!r} must be lowercase letters, digits and _")
        if len(self.choices) < 2:
            raise QuestionError(f"{self.qid}: a question needs at least two choices")
        for letter in self.choices:
            if not CHOICE_PATTERN.match(letter):
                raise QuestionError(f"{self.qid}: choice keys are single lowercase letters, not {letter!r}")

    def label(self, choice) -> str:
        """Human-readable form of a recorded choice: "(b) text" or "(a) …; (c) …"."""
        if choice is None:
            return "no answer"
        if isinstance(choice, list):
            return "; ".join(self.label(c) for c in choice) if choice else "none of the choices"
        text = self.choices.get(choice)
        return f"({choice}) {text}" if text is not None else f"({choice}) [not a choice of this question]"

    def normalise(self, choice):
        """Validate a learner's choice and return it in stored form (str or sorted list)."""
        if self.multiple:
            if isinstance(choice, str):
                choice = [c.strip() for c in choice.replace(",", " ").split() if c.strip()]
            if not isinstance(choice, (list, tuple, set, frozenset)):
                raise QuestionError(f"{self.qid}: give a list of letters, e.g. ['a', 'c']")
            letters = sorted({str(c).strip().lower() for c in choice})
        else:
            if not isinstance(choice, str):
                raise QuestionError(f"{self.qid}: give one letter, e.g. 'b'")
            letters = [choice.strip().lower().strip("()")]
        unknown = [c for c in letters if c not in self.choices]
        if unknown:
            valid = ", ".join(self.choices)
            placeholder = any("<" in c or ">" in c for c in letters)
            tip = " Replace the <...> placeholder with your letter." if placeholder else ""
            raise QuestionError(f"{self.qid}: {', '.join(map(repr, unknown))} is not a choice (choices: {valid}).{tip}")
        return letters if self.multiple else letters[0]


# How quizzes show "answer in code": a placeholder, never a real letter, which could read as a hint.
CODE_EXAMPLE_SINGLE = '"<your letter>"'
CODE_EXAMPLE_MULTI = '["<letter>", "<letter>"]'


def static_mode() -> bool:
    """True where no person is looking: nbgrader autograde/validate, or forced by env.

    Live widgets are pointless there (nothing renders them in feedback or formgrader)
    and executing them headless has hung nbconvert in the past, so quizzes print text.
    """
    return bool(os.environ.get("NBGRADER_EXECUTION") or os.environ.get("QICOURSE_STATIC"))
