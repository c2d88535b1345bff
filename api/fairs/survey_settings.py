"""A fair's settings for the residents' survey: its questions and its threshold.

Each survey window copies the questions when it opens, so changing them later changes
only the windows opened afterwards; there is nothing to freeze.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from api.errors import ErrorCode, Problem

MIN_QUESTIONS, MAX_QUESTIONS = 3, 5
MAX_QUESTION_TEXT = 60
# Fewer answers than this would let a figure point at a handful of residents.
MIN_THRESHOLD, MAX_THRESHOLD = 3, 500
KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,31}")


@dataclass(frozen=True)
class QuestionSpec:
    key: str
    text: str


def question_problems(questions: list[QuestionSpec]) -> list[Problem]:
    problems = []
    if not MIN_QUESTIONS <= len(questions) <= MAX_QUESTIONS:
        message = f"满意度调查须有 {MIN_QUESTIONS}–{MAX_QUESTIONS} 个问题（总体满意度之外）。"
        problems.append(Problem(ErrorCode.INVALID_INPUT, message, ["input", "surveyQuestions"]))
    seen: set[str] = set()
    for i, question in enumerate(questions):
        at = ["input", "surveyQuestions", str(i)]
        if not KEY_PATTERN.fullmatch(question.key):
            message = "键须以小写字母开头，只含小写字母、数字和下划线，最多 32 个字符。"
            problems.append(Problem(ErrorCode.INVALID_INPUT, message, [*at, "key"]))
        elif question.key in seen:
            message = f"键“{question.key}”重复。"
            problems.append(Problem(ErrorCode.INVALID_INPUT, message, [*at, "key"]))
        seen.add(question.key)
        text = question.text.strip()
        if not text or len(text) > MAX_QUESTION_TEXT:
            message = f"问题不能为空，最多 {MAX_QUESTION_TEXT} 个字。"
            problems.append(Problem(ErrorCode.INVALID_INPUT, message, [*at, "text"]))
    return problems


def threshold_problems(threshold: int) -> list[Problem]:
    if MIN_THRESHOLD <= threshold <= MAX_THRESHOLD:
        return []
    message = f"显示统计所需的答卷数须在 {MIN_THRESHOLD} 到 {MAX_THRESHOLD} 之间。"
    return [Problem(ErrorCode.INVALID_INPUT, message, ["input", "surveyMinAnswers"])]


def stored_questions(questions: list[QuestionSpec]) -> list[dict[str, Any]]:
    return [{"key": q.key, "text": q.text.strip()} for q in questions]
