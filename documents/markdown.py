"""The progress-update document in Markdown, for reading on screen or pasting into a report.

The text in a plan already follows the Word reader's convention (`*italic*`, `**bold**`, "- " list
items, `[text](url)`), which is Markdown; each line becomes its own paragraph so that the line
breaks a committee member sees in Word survive.
"""

from __future__ import annotations

from collections import Counter

from documents.grades import FULLY_ACHIEVED_CARRIED, GRADE_LABELS, Grade
from documents.layout import ATTACHED, INTRO, NOT_YET_REVIEWED, said_below
from documents.plan_format import PlanDocument, PlannedAction, ProgressEntry

NOT_YET_ASSESSED = "not yet assessed"
NO_UPDATE = "No update yet."
LINK_TEXT = "Its status in Teams"


def write_markdown(plan: PlanDocument) -> str:
    rounds = plan.round_labels()
    out: list[str] = [f"# Scrutiny Monitoring – Progress Update: {_line(plan.review)}", ""]
    out += ["| | |", "|---|---|", f"| **Review** | {_cell(plan.review)} |"]
    if plan.committee:
        out.append(f"| **Committee** | {_cell(plan.committee)} |")
    out.append(f"| **Link Officer/s** | {_cell(' / '.join(plan.link_officers))} |")
    out.append(f"| **Action Plan Agreed** | {_cell(plan.action_plan_agreed or '')} |")
    out += ["", INTRO, ""]
    if rounds:
        out += _summary(plan, rounds)
    for recommendation in plan.recommendations:
        out += [f"## Recommendation {recommendation.number}", "", *_block(recommendation.text), ""]
        if recommendation.link:
            out += [f"[{LINK_TEXT}]({recommendation.link})", ""]
        out += [line for said in said_below(recommendation) for line in (f"*{said}*", "")]
        group: str | None = None
        for position, action in enumerate(recommendation.actions, start=1):
            if action.group and action.group != group:
                out += [f"### {action.group}", ""]
            group = action.group
            out += _action(position, action, rounds, level="####" if action.group else "###")
    out += ["## Assessment of Progress Gradings", "", "| Grade | Meaning |", "|---|---|"]
    out += [f"| {grade.value} | {GRADE_LABELS[grade]} |" for grade in Grade]
    return "\n".join(out) + "\n"


def _summary(plan: PlanDocument, rounds: list[str]) -> list[str]:
    """Grade counts per round: what a committee member looks at first."""
    names = [GRADE_LABELS[grade] for grade in Grade]
    out = [
        "## Summary",
        "",
        "| Round | " + " | ".join(names) + f" | {FULLY_ACHIEVED_CARRIED} | Not yet assessed |",
        "|---" * (len(names) + 3) + "|",
    ]
    actions = [action for rec in plan.recommendations for action in rec.actions]
    for label in rounds:
        counts: Counter[str] = Counter()
        for action in actions:
            entry = action.progress.get(label)
            if entry is None or (entry.grade is None and not entry.fully_achieved_carried):
                counts["none"] += 1
            elif entry.grade is not None:
                counts[GRADE_LABELS[entry.grade]] += 1
            else:
                counts["carried"] += 1
        cells = [str(counts[n]) for n in [*names, "carried", "none"]]
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    return [*out, ""]


def _action(position: int, action: PlannedAction, rounds: list[str], *, level: str) -> list[str]:
    heading = " · ".join(
        _line(t) for t in (f"Action {position}", action.responsibility, action.date_shown) if t
    )
    out = [f"{level} {heading}", ""]
    out += ["**Agreed action:**", "", *_block(action.agreed_action), ""]
    if action.success_measure:
        out += ["**Agreed success measure:**", "", *_block(action.success_measure), ""]
    for label in rounds:
        entry = action.progress.get(label)
        out += [f"**{label}: {_assessment(entry)}**", ""]
        if entry is None:
            out += [NO_UPDATE, ""]
            continue
        if entry.not_yet_reviewed:
            out += [f"*{NOT_YET_REVIEWED}*", ""]
        if entry.evidence:
            out += ["*Evidence of progress:*", "", *_block(entry.evidence), ""]
        if entry.attachments:
            out += [f"*{ATTACHED}*", "", *(f"- {a.link}" for a in entry.attachments), ""]
        if entry.on_behalf:
            out += [f"*{entry.on_behalf}*", ""]
        if entry.explanation:
            out += ["*Explanation:*", "", *_block(entry.explanation), ""]
        if entry.impact:
            out += ["*Evidence of impact:*", "", *_block(entry.impact), ""]
    return out


def _assessment(entry: ProgressEntry | None) -> str:
    if entry is not None and entry.grade is not None:
        return f"{entry.grade.value} {entry.grade.label}"
    if entry is not None and entry.fully_achieved_carried:
        return FULLY_ACHIEVED_CARRIED
    return NOT_YET_ASSESSED


def _block(text: str) -> list[str]:
    """Each line its own paragraph; consecutive list items stay one list."""
    out: list[str] = []
    previous_was_item = False
    for line in text.split("\n"):
        if not line.strip():
            continue
        item = line.startswith("- ")
        if out and not (item and previous_was_item):
            out.append("")
        out.append(line)
        previous_was_item = item
    return out


def _line(text: str) -> str:
    return " ".join(text.split())


def _cell(text: str) -> str:
    return _line(text).replace("|", "\\|")
