"""The plan format: one review's action plan and its progress, as YAML or JSON.

Every importer (Word, its text export, YAML/JSON) produces a `PlanDocument`, and every exporter
starts from one, so there is a single way into the database and a single way out.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic.functional_validators import BeforeValidator

from documents.dates import canonical_round_label, parse_month
from documents.errors import ImportRefused
from documents.grades import Grade

# "Digital Services Group" is responsible for actions but is not a person who logs in.
_GROUP_WORDS = re.compile(r"\b(group|team|board|service|services|panel|committee|partnership)\b", re.I)


def names_in_responsibility(responsibility: str) -> list[str]:
    """ "Lorraine Dixon / Liz Purdy" -> ["Lorraine Dixon", "Liz Purdy"]."""
    parts = re.split(r"\s*(?:/|&|;|,|\band\b)\s*", responsibility)
    return [" ".join(p.split()) for p in parts if p.strip()]


def is_group_name(name: str) -> bool:
    return bool(_GROUP_WORDS.search(name))


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _grade(value: Any) -> Any:
    value = _blank_to_none(value)
    if value is None or isinstance(value, Grade):
        return value
    try:
        return Grade.parse(value)
    except ValueError as error:
        raise ValueError(str(error)) from None


OptionalText = Annotated[str | None, BeforeValidator(_blank_to_none)]
NonBlank = Annotated[
    str, Field(min_length=1), BeforeValidator(lambda v: v.strip() if isinstance(v, str) else v)
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class EvidenceFile(Strict):
    """A file or Teams message kept as evidence: the committee's document links to it."""

    name: NonBlank
    url: NonBlank

    @property
    def link(self) -> str:
        """As a cell's text writes a link (documents/layout.py): [name](url), brackets in the name
        made round so they cannot end the link's text."""
        return f"[{self.name.replace('[', '(').replace(']', ')')}]({self.url})"


class ProgressEntry(Strict):
    evidence: str = ""
    grade: Annotated[Grade | None, BeforeValidator(_grade)] = None
    explanation: OptionalText = None
    impact: OptionalText = None
    fully_achieved_carried: bool = False
    # Exported before the scrutiny officer accepted it (`export --include-unreviewed`).
    not_yet_reviewed: bool = False
    # Recorded by a deputy (`recorded_by`) for the officer who was away (`on_behalf_of`).
    recorded_by: OptionalText = None
    on_behalf_of: OptionalText = None
    attachments: list[EvidenceFile] = Field(default_factory=list)

    @property
    def on_behalf(self) -> str | None:
        """ "Recorded by Liz Purdy on behalf of Lorraine Dixon.", as the committee's document says it."""
        if self.recorded_by and self.on_behalf_of:
            return f"Recorded by {self.recorded_by} on behalf of {self.on_behalf_of}."
        return None

    def same_content(self, other: ProgressEntry) -> bool:
        return self.model_dump() == other.model_dump()


class PlannedAction(Strict):
    group: OptionalText = None
    responsibility: NonBlank
    date: str = ""
    agreed_action: NonBlank
    success_measure: str = ""
    progress: dict[str, ProgressEntry] = Field(default_factory=dict)
    # The date before an approved extension: the document says "March 2021 (revised from September 2019)".
    revised_from: OptionalText = None

    @property
    def date_shown(self) -> str:
        return f"{self.date} (revised from {self.revised_from})" if self.revised_from else self.date

    @field_validator("progress", mode="before")
    @classmethod
    def round_labels_are_months(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        canonical: dict[str, Any] = {}
        for label, entry in value.items():
            canonical[canonical_round_label(str(label))] = entry  # ValueError names the label
        return canonical


class PlannedRecommendation(Strict):
    number: int = Field(ge=1)
    text: NonBlank
    # None yet when the committee's report is imported: the action plan is agreed later.
    actions: list[PlannedAction] = Field(default_factory=list)
    # Its own link (documents/links.py), on an export made where the bot has a public address.
    link: str | None = None
    # The executive's response as the papers print it (ExecutiveResponse.said), on an export; one not
    # accepted has no actions asked of it, and the papers say so instead of "No agreed actions yet".
    response: str | None = None
    not_accepted: bool = False


class PlannedRound(Strict):
    label: str
    deadline: str | None = None  # ISO date
    open: bool = False

    @field_validator("label")
    @classmethod
    def label_is_a_month(cls, value: str) -> str:
        return canonical_round_label(value)


class PlanDocument(Strict):
    review: NonBlank
    committee: OptionalText = None
    link_officers: list[str] = Field(default_factory=list)
    action_plan_agreed: OptionalText = None
    report_date: date | None = None  # the Select Committee's final report
    rounds: list[PlannedRound] = Field(default_factory=list)
    recommendations: list[PlannedRecommendation] = Field(min_length=1)

    @model_validator(mode="after")
    def numbers_are_unique(self) -> PlanDocument:
        seen: set[int] = set()
        for rec in self.recommendations:
            if rec.number in seen:
                raise ValueError(f"recommendation {rec.number} appears twice")
            seen.add(rec.number)
        return self

    def round_labels(self) -> list[str]:
        """Every round named in the plan, oldest first."""
        labels = {r.label for r in self.rounds}
        for rec in self.recommendations:
            for action in rec.actions:
                labels.update(action.progress)
        return sorted(labels, key=parse_month)

    def to_data(self) -> dict[str, Any]:
        """As JSON or YAML hold it: what is not given is left out, except a recommendation's actions,
        which say "none yet" as an empty list."""
        data = self.model_dump(mode="json", exclude_defaults=True)
        for recommendation in data["recommendations"]:
            recommendation.setdefault("actions", [])
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_data(), indent=2, ensure_ascii=False)


def where(loc: tuple[int | str, ...], data: Any) -> str:
    """A pydantic error location in the committee's words: "Recommendation 7, action 2, grade"."""
    parts: list[str] = []
    node = data
    for i, key in enumerate(loc):
        parent = loc[i - 1] if i else None
        if isinstance(key, int) and parent == "recommendations":
            number = (
                node[key].get("number") if isinstance(node, list) and isinstance(node[key], dict) else None
            )
            parts.append(f"Recommendation {number if number is not None else key + 1}")
        elif isinstance(key, int) and parent == "actions":
            parts.append(f"action {key + 1}")
        elif isinstance(key, int):
            parts.append(f"item {key + 1}")
        elif key in ("recommendations", "actions"):
            pass
        elif parent == "progress":
            parts.append(f"round “{key}”")
        else:
            parts.append(str(key).replace("_", " "))
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            node = None
    return ", ".join(parts) or "the document"


def plan_from_data(data: Any, *, source: str) -> PlanDocument:
    try:
        return PlanDocument.model_validate(data)
    except ValidationError as error:
        problems = []
        for problem in error.errors()[:5]:
            message = problem["msg"].removeprefix("Value error, ")
            if problem["type"] == "missing":
                message = "is missing"
            elif problem["type"] == "string_too_short":
                message = "is empty"
            problems.append(f"{where(problem['loc'], data)}: {message}")
        raise ImportRefused(f"{source}: " + "; ".join(problems)) from None


def parse_plan_text(text: str, *, source: str) -> PlanDocument:
    """YAML or JSON (JSON is YAML) in the plan format."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark else ""
        raise ImportRefused(f"{source}: not valid YAML or JSON{line}") from None
    if not isinstance(data, dict):
        raise ImportRefused(f"{source}: empty, or not a plan (expected “review:” and “recommendations:”)")
    return plan_from_data(data, source=source)
