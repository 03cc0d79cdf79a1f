"""A review's life in a line or two, as status and summaries show it: complete with its outcome, or
when its next round opens by itself."""

from __future__ import annotations

from datetime import date

from cards import life_messages
from store.views import Agreement, ReviewLife, RoundPlan


def day(moment: date) -> str:
    return f"{moment.day} {moment:%B %Y}"


def outcome_line(life: ReviewLife) -> str:
    return life_messages.OUTCOME_LINE.format(
        accepted=life.accepted, achieved=life.achieved, not_achieved=life.not_achieved
    )


def life_lines(life: ReviewLife | None) -> list[str]:
    """What status and summaries say of a review's life: complete with its outcome, or its next round."""
    if life is None:
        return []
    if life.completed_on is not None:
        how = life_messages.COMPLETE_HOW.get(life.completed_how or "", life.completed_how or "")
        return [life_messages.COMPLETE_LINE.format(day=day(life.completed_on), how=how), outcome_line(life)]
    if life.next_round_on is not None:
        return [life_messages.NEXT_ROUND_LINE.format(day=day(life.next_round_on))]
    return []


def agreed_reply(agreement: Agreement, plan: RoundPlan) -> str:
    words = {
        "review": agreement.title,
        "agreed": day(agreement.agreed_on),
        "first": day(agreement.first_round_on),
        "next": day(agreement.next_round_on),
        "every": agreement.every_months,
        "days": plan.deadline_days,
    }
    late = agreement.next_round_on != agreement.first_round_on
    return (life_messages.PLAN_AGREED_LATE if late else life_messages.PLAN_AGREED_DONE).format(**words)
