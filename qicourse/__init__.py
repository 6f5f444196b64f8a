"""Shared code for the qualified-immunity course: quizzes, answer records, grading, data.

Notebooks import from here and never copy helpers between them::

    from qicourse import single_choice, multiple_select, answer, practice, check
    from qicourse import load_cases, show_fact_pattern, cite
"""

from .data import cite, data_dir, fact_pattern, load_cases, load_fact_patterns, show_fact_pattern
from .questions import QuestionError
from .quiz import answer, check, multiple_select, practice, single_choice

__all__ = [
    "answer", "check", "cite", "data_dir", "fact_pattern", "load_cases", "load_fact_patterns",
    "multiple_select", "practice", "QuestionError", "show_fact_pattern", "single_choice",
]
__version__ = "0.1.0"
