"""The index of reviews: each review's title, committee, latest round and how many of its actions had
each grade in that round, linking to its page. Read in five queries whatever the council's size, of
grades only: none of the returns' words.

The public index (`public`) lists only the reviews the council has published and counts only the
returns the scrutiny officer has accepted, as their trackers do.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from page.model import Badge, round_badge, tally
from store import queries
from store.tracker import GradeRow, monitored_actions, newest_grades, public_reviews
from store.views import ReviewSummary


@dataclass(frozen=True)
class IndexRow:
    review: ReviewSummary
    address: str  # its page: /tracker/ID or /reviews/ID
    published: bool
    latest_round: str | None
    badges: list[tuple[Badge, int]]  # each grade in the latest round, with how many actions have it
    actions: int


def _latest_badge(rounds: list[int], newest: dict[int, GradeRow]) -> Badge:
    """The action's badge in the last of `rounds`, as its trend on the review's page shows it."""
    achieved = False
    for round_id in rounds:
        badge, achieved = round_badge(newest.get(round_id), achieved=achieved)
    return badge


async def load_index(session: AsyncSession, *, public: bool) -> list[IndexRow]:
    """The reviews, by title: only the published ones if `public`."""
    published = await public_reviews(session)
    summaries = [r for r in await queries.reviews(session) if r.id in published or not public]
    if not summaries:
        return []
    actions = await monitored_actions(session)
    grades = await newest_grades(session, accepted_only=public)
    rows = []
    for review in summaries:
        latest = review.open_round or (review.rounds[-1] if review.rounds else None)
        # The rounds up to the latest, as the review's page reads them; the last is the latest's.
        rounds = [r.id for r in review.rounds if latest and r.month <= latest.month]
        ids = actions.get(review.id, [])
        badges = tally(_latest_badge(rounds, grades.get(i, {})) for i in ids) if rounds else []
        rows.append(
            IndexRow(
                review=review,
                address=f"/tracker/{review.id}" if public else f"/reviews/{review.id}",
                published=review.id in published,
                latest_round=latest.label if latest else None,
                badges=badges,
                actions=len(ids),
            )
        )
    return rows
