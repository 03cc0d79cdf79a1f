"""Where a review's life stands, and its outcome: how many recommendations were accepted, and of those
how many achieved and not achieved. What the status card, the summary and `status` say of it."""

from __future__ import annotations

from collections.abc import Sequence

from store.models import Review
from store.views import RecommendationView, ReviewLife


def is_accepted(recommendation: RecommendationView) -> bool:
    """Whether the executive accepted the recommendation (wholly or in part, or has not answered, as
    with plans agreed before the bot), so it is monitored."""
    return recommendation.response is None or recommendation.response.monitored


def life_of(review: Review, recommendations: Sequence[RecommendationView]) -> ReviewLife:
    accepted = [r for r in recommendations if is_accepted(r)]
    # Achieved: every agreed action Fully Achieved. A recommendation with no actions yet is not.
    achieved = [r for r in accepted if r.actions and r.done]
    return ReviewLife(
        agreed_on=review.agreed_on,
        next_round_on=review.next_round_on,
        completed_on=review.completed_on,
        completed_how=review.completed_how,
        accepted=len(accepted),
        achieved=len(achieved),
        not_achieved=len(accepted) - len(achieved),
    )
