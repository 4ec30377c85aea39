"""Figures other apps add to a campaign's evaluation page, registered from their
AppConfig.ready (campaigns never imports them): the surveys' advertising item (statement 9,
«أعتقد بأن طريقة الاعلان عن الخدمة كانت فعالة») of the programmes a campaign promoted.

`register_evaluation_figures(fn)` with `fn(campaign)` returning a list of EvaluationFigure
(one or two grouped queries, never one per row)."""

from collections.abc import Callable
from dataclasses import dataclass

from .models import Campaign


@dataclass(frozen=True)
class EvaluationFigure:
    key: str  # data-testid of the figure
    label: str
    value: str  # already formatted
    detail: str = ""


FigureSource = Callable[[Campaign], list[EvaluationFigure]]
_sources: list[FigureSource] = []


def register_evaluation_figures(source: FigureSource) -> FigureSource:
    if source not in _sources:
        _sources.append(source)
    return source


def evaluation_figures(campaign: Campaign) -> list[EvaluationFigure]:
    return [figure for source in _sources for figure in source(campaign)]
