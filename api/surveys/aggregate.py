"""What the residents said, summed up per project: the latest window's figures.

The figures (mean, distribution, score) exist only once the window has its minimum
number of answers: a handful of answers says little and could be anyone's. The score
puts the mean overall mark on the evaluation's 0–100 scale (1 → 0, 5 → 100); it is what
the beneficiary component of an evaluation is proposed to be (api/contracts/evaluations.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from api.surveys.models import SatisfactionSurvey, SurveyAnswer

MARKS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class QuestionFigure:
    key: str
    text: str
    mean: float | None


@dataclass(frozen=True)
class Satisfaction:
    """One window's answers; the figures are None below the threshold."""

    survey: SatisfactionSurvey
    count: int
    distribution: list[int] | None = None
    mean: float | None = None
    score: float | None = None
    questions: list[QuestionFigure] = field(default_factory=list)

    @property
    def shown(self) -> bool:
        return self.count >= self.survey.min_answers


def to_score(mean: float) -> float:
    """A mean mark of 1–5 on the 0–100 scale, to one decimal."""
    return round((mean - 1) / 4 * 100, 1)


async def latest_surveys(project_ids: Iterable[int]) -> dict[int, SatisfactionSurvey]:
    """The most recently opened window of each project that has one."""
    latest: dict[int, SatisfactionSurvey] = {}
    for survey in await SatisfactionSurvey.filter(project_id__in=list(project_ids)):
        # Ordered by opens_at, id: the last one seen is the latest.
        latest[survey.project_id] = survey
    return latest


async def satisfaction_of(project_ids: list[int]) -> dict[int, Satisfaction]:
    """The latest window's figures of each project (no entry: never surveyed)."""
    surveys = await latest_surveys(project_ids)
    by_survey = {s.id: s for s in surveys.values()}
    rows = await SurveyAnswer.filter(survey_id__in=list(by_survey)).values_list(
        "survey_id", "overall", "marks"
    )
    grouped: dict[int, list[tuple[int, dict[str, int]]]] = defaultdict(list)
    for survey_id, overall, marks in rows:
        grouped[survey_id].append((overall, marks))
    return {
        survey.project_id: _figures(survey, grouped.get(survey.id, []))
        for survey in by_survey.values()
    }


async def project_satisfaction(project_id: int) -> Satisfaction | None:
    return (await satisfaction_of([project_id])).get(project_id)


def _figures(survey: SatisfactionSurvey, answers: list[tuple[int, dict[str, int]]]) -> Satisfaction:
    count = len(answers)
    if count < survey.min_answers or count == 0:
        return Satisfaction(survey=survey, count=count)
    distribution = [sum(1 for overall, _ in answers if overall == mark) for mark in MARKS]
    mean = sum(overall for overall, _ in answers) / count
    questions = []
    for question in survey.questions:
        given = [marks[question["key"]] for _, marks in answers if question["key"] in marks]
        average = round(sum(given) / len(given), 2) if given else None
        questions.append(QuestionFigure(question["key"], question["text"], average))
    return Satisfaction(
        survey=survey,
        count=count,
        distribution=distribution,
        mean=round(mean, 2),
        score=to_score(mean),
        questions=questions,
    )
