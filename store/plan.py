"""The one way a plan gets into the database, and out again."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from rapidfuzz import fuzz, process
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from documents.dates import parse_due, parse_month, round_label
from documents.errors import UserFacingError
from documents.links import recommendation_url
from documents.plan_format import (
    EvidenceFile,
    PlanDocument,
    PlannedAction,
    PlannedRecommendation,
    PlannedRound,
    ProgressEntry,
    is_group_name,
    names_in_responsibility,
)
from documents.responses import ExecutiveResponse
from store.extensions import revised_from
from store.models import (
    AgreedAction,
    Committee,
    MonitoringRound,
    Person,
    ProgressUpdate,
    Recommendation,
    ReturnDecision,
    Review,
    UpdateSource,
)
from store.queries import evidence_links, return_state
from store.revisions import revise, words_of
from store.views import ReturnState


@dataclass
class ImportResult:
    review: str
    created: bool = False
    recommendations: int = 0
    actions: int = 0
    rounds_added: list[str] = field(default_factory=list)
    updates_added: int = 0
    revised: int = 0  # agreed actions changed after the plan was agreed
    merged: dict[str, str] = field(default_factory=dict)  # a spelling -> the owner it is taken for

    def describe(self) -> str:
        verb = "Imported" if self.created else "Updated"
        if self.created and not self.actions:  # a committee's report: the plan is agreed later
            return f"Imported “{self.review}”: {self.recommendations} recommendations, no agreed actions yet."
        rounds = f"; new rounds: {', '.join(self.rounds_added)}" if self.rounds_added else ""
        revised = (
            f" {self.revised} agreed action(s) changed since the plan was agreed: their earlier words are "
            "kept as revisions."
            if self.revised
            else ""
        )
        said = (
            f"{verb} “{self.review}”: {self.recommendations} recommendations, {self.actions} agreed actions, "
            f"{self.updates_added} progress updates added{rounds}.{revised}"
        )
        for spelling, owner in self.merged.items():
            said += (
                f"\n“{spelling}” is taken to be “{owner}”, one owner (to keep them apart: "
                f"scrutiny-bot people unmerge “{spelling}”)."
            )
        return said


async def review_titled(session: AsyncSession, title: str) -> Review | None:
    return await session.scalar(select(Review).where(func.lower(Review.title) == title.strip().lower()))


async def require_review(session: AsyncSession, title: str) -> Review:
    review = await review_titled(session, title)
    if review is None:
        titles = (await session.scalars(select(Review.title).order_by(Review.title))).all()
        known = "; ".join(titles) if titles else "none yet: import a plan first"
        raise UserFacingError(f"There is no review called “{title}”. Reviews: {known}.")
    return review


async def round_for(
    session: AsyncSession, *, review: Review, label: str, create: bool = True
) -> MonitoringRound:
    month = parse_month(label)
    found = await session.scalar(
        select(MonitoringRound).where(MonitoringRound.review_id == review.id, MonitoringRound.month == month)
    )
    if found is None:
        if not create:
            raise UserFacingError(f"“{review.title}” has no {round_label(month)} round.")
        found = MonitoringRound(review=review, label=round_label(month), month=month)
        session.add(found)
        await session.flush()
    return found


def entry_of(
    update: ProgressUpdate,
    *,
    not_yet_reviewed: bool = False,
    names: dict[int, str] | None = None,
    attachments: list[EvidenceFile] | None = None,
) -> ProgressEntry:
    """The update as the plan format has it; with `names`, a deputy's update says for whom."""
    deputy = away = None
    if names is not None and update.recorded_by_id is not None and update.on_behalf_of_id is not None:
        deputy, away = names[update.recorded_by_id], names[update.on_behalf_of_id]
    return ProgressEntry(
        not_yet_reviewed=not_yet_reviewed,
        recorded_by=deputy,
        on_behalf_of=away,
        attachments=attachments or [],
        evidence=update.evidence,
        grade=update.grade,
        explanation=update.explanation,
        impact=update.impact,
        fully_achieved_carried=update.fully_achieved_carried,
    )


async def current_update(session: AsyncSession, *, action_id: int, round_id: int) -> ProgressUpdate | None:
    return await session.scalar(
        select(ProgressUpdate)
        .where(ProgressUpdate.action_id == action_id, ProgressUpdate.round_id == round_id)
        .order_by(ProgressUpdate.id.desc())
        .limit(1)
    )


async def import_plan(session: AsyncSession, *, plan: PlanDocument) -> ImportResult:
    """Create or bring up to date one review from a plan. Re-importing the same plan changes nothing.

    Recommendations are matched by number and actions by their order within the recommendation, so
    a later version of the same document adds its new round to the actions already here.

    A council's plans run to hundreds of actions and thousands of updates, so the review is read in a
    few queries and written in a few flushes, never a query per action.
    """
    review = await review_titled(session, plan.review)
    result = ImportResult(review=plan.review, created=review is None)
    if review is None:
        review = Review(title=plan.review)
        session.add(review)
    if plan.committee:
        committee = await session.scalar(select(Committee).where(Committee.name == plan.committee))
        review.committee = committee or Committee(name=plan.committee)
    if plan.action_plan_agreed:
        review.action_plan_agreed = plan.action_plan_agreed
    if plan.report_date:
        review.report_date = plan.report_date
    await session.flush()
    await session.refresh(review, ["link_officers", "rounds"])
    await _load_plan_of(session, review)

    responsibilities = [
        names_in_responsibility(action.responsibility)
        for planned in plan.recommendations
        for action in planned.actions
    ]
    people = await people_named(
        session,
        names=[*plan.link_officers, *(name for names in responsibilities for name in names)],
        merged=result.merged,
    )
    for name in plan.link_officers:
        officer = people[_name_key(name)]
        if officer not in review.link_officers:
            review.link_officers.append(officer)

    existing_months = {r.month for r in review.rounds}
    by_month = {r.month: r for r in review.rounds}

    def round_labelled(label: str) -> MonitoringRound:
        month = parse_month(label)
        if month not in by_month:
            by_month[month] = MonitoringRound(review=review, label=round_label(month), month=month)
            session.add(by_month[month])
        return by_month[month]

    for planned_round in plan.rounds:
        round_ = round_labelled(planned_round.label)
        round_.deadline = date.fromisoformat(planned_round.deadline) if planned_round.deadline else None
        round_.is_open = planned_round.open
    rounds = {label: round_labelled(label) for label in plan.round_labels()}
    result.rounds_added = [r.label for r in rounds.values() if r.month not in existing_months]

    by_number = {rec.number: rec for rec in review.recommendations}
    planned_actions: list[tuple[AgreedAction, PlannedAction]] = []
    names = iter(responsibilities)
    for planned in plan.recommendations:
        recommendation = by_number.get(planned.number)
        if recommendation is None:
            recommendation = Recommendation(
                review=review, number=planned.number, text=planned.text, actions=[]
            )
            session.add(recommendation)
        recommendation.text = planned.text
        by_position = {action.position: action for action in recommendation.actions}
        for position, planned_action in enumerate(planned.actions, start=1):
            action = by_position.get(position)
            if action is None:
                action = AgreedAction(recommendation=recommendation, position=position, responsible_people=[])
                session.add(action)
            before = words_of(action)
            set_action(action, planned_action, [people[_name_key(name)] for name in next(names)])
            # Agreed, the plan is frozen: a change keeps the words it replaced (store/revisions.py).
            if review.agreed_on is not None and action.id is not None:
                result.revised += revise(session, action=action, before=before, source=UpdateSource.IMPORT)
            planned_actions.append((action, planned_action))
        result.recommendations += 1
        result.actions += len(planned.actions)
    await session.flush()

    current = await _current_entries(session, review_id=review.id)
    new_updates = [
        {
            "action_id": action.id,
            "round_id": rounds[label].id,
            "source": UpdateSource.IMPORT,
            **entry.model_dump(),
        }
        for action, planned_action in planned_actions
        for label, entry in planned_action.progress.items()
        if not (
            (saved := current.get((action.id, rounds[label].id))) is not None and saved.same_content(entry)
        )
    ]
    if new_updates:
        # render_nulls: every row then has the same columns, so they go in as one batch; without it
        # each run of rows with the same empty fields was a statement of its own (9,000 for a council).
        await session.execute(insert(ProgressUpdate).execution_options(render_nulls=True), new_updates)
    result.updates_added = len(new_updates)
    return result


def _name_key(name: str) -> str:
    return " ".join(name.split()).lower()


# Two spellings this alike (rapidfuzz's ratio, 0-100) are one owner: a letter's slip in a long name,
# "Digital Service Group" for "Digital Services Group" (97.7), "Loraine Dixon" (96.3). A letter in
# a short name is not ("Carl Dixon" and "Carly Dixon", 95.2, may well be two people), and a name
# spelt exactly as someone's already here is always that someone: `people unmerge` relies on it.
SAME_OWNER = 96


async def people_named(
    session: AsyncSession, *, names: list[str], merged: dict[str, str]
) -> dict[str, Person]:
    """Everyone named, by `_name_key`, as person_named finds or creates them, in one query and one
    flush; a spelling that slips from another owner's is that owner, noted in `merged`."""
    uses = Counter(_name_key(name) for name in names)
    wanted = {_name_key(name): " ".join(name.split()) for name in names}
    known: dict[str, Person] = {}
    if wanted:
        for person in await session.scalars(select(Person).order_by(Person.id)):
            known.setdefault(person.name.lower(), person)
    found = {key: known[key] for key in wanted if key in known}
    # The spelling most actions use first, the document's order between equals: the slip is the rarer.
    for key in sorted((key for key in wanted if key not in found), key=lambda key: -uses[key]):
        name = wanted[key]
        group = is_group_name(name)
        alike = process.extractOne(
            key,
            [other for other, person in known.items() if person.is_group == group],
            scorer=fuzz.ratio,
            score_cutoff=SAME_OWNER,
        )
        if alike is not None:
            found[key] = known[alike[0]]
            merged[name] = found[key].name
            continue
        found[key] = known[key] = Person(name=name, is_group=group, is_officer=not group)
        session.add(found[key])
    await session.flush()
    return found


async def _load_plan_of(session: AsyncSession, review: Review) -> None:
    """The review's recommendations, their actions and who is responsible, in one round of queries."""
    await session.scalars(
        select(Review)
        .where(Review.id == review.id)
        .options(
            selectinload(Review.recommendations)
            .selectinload(Recommendation.actions)
            .selectinload(AgreedAction.responsible_people)
        )
    )


async def _current_entries(session: AsyncSession, *, review_id: int) -> dict[tuple[int, int], ProgressEntry]:
    """The current (newest) update of every action and round of the review, as plan entries."""
    rows = await session.execute(
        select(
            ProgressUpdate.action_id,
            ProgressUpdate.round_id,
            ProgressUpdate.evidence,
            ProgressUpdate.grade,
            ProgressUpdate.explanation,
            ProgressUpdate.impact,
            ProgressUpdate.fully_achieved_carried,
        )
        .join(AgreedAction, ProgressUpdate.action_id == AgreedAction.id)
        .join(Recommendation, AgreedAction.recommendation_id == Recommendation.id)
        .where(Recommendation.review_id == review_id)
        .order_by(ProgressUpdate.id)
    )
    current: dict[tuple[int, int], ProgressEntry] = {}
    for action_id, round_id, evidence, grade, explanation, impact, carried in rows:
        # Ordered by id: the last one per action and round is the current one.
        current[(action_id, round_id)] = ProgressEntry(
            evidence=evidence,
            grade=grade,
            explanation=explanation,
            impact=impact,
            fully_achieved_carried=carried,
        )
    return current


def set_action(action: AgreedAction, planned: PlannedAction, people: list[Person]) -> None:
    due = parse_due(planned.date)
    action.group = planned.group
    action.responsibility = planned.responsibility
    action.date_text = planned.date
    action.due_from, action.due_by, action.ongoing = due.due_from, due.due_by, due.ongoing
    action.agreed_action = planned.agreed_action
    action.success_measure = planned.success_measure
    action.responsible_people = list(dict.fromkeys(people))


async def export_plan(
    session: AsyncSession,
    *,
    title: str,
    up_to: str | None = None,
    include_unreviewed: bool = False,
    link_base: str | None = None,
) -> PlanDocument:
    """The review as a plan, with each action's latest accepted update for every round up to `up_to`:
    the committee reads what the scrutiny officer accepted. `include_unreviewed` takes the latest
    update instead, marked "not yet reviewed" where it is not accepted. With `link_base`, each
    recommendation carries its link (documents/links.py)."""
    found = await require_review(session, title)
    review = await session.scalar(
        select(Review)
        .where(Review.id == found.id)
        .options(
            selectinload(Review.committee),
            selectinload(Review.link_officers),
            selectinload(Review.rounds),
            selectinload(Review.recommendations)
            .selectinload(Recommendation.actions)
            .selectinload(AgreedAction.updates),
        )
        .execution_options(populate_existing=True)
    )
    assert review is not None
    last = parse_month(up_to) if up_to else None
    if last is not None and last not in {r.month for r in review.rounds}:
        raise UserFacingError(
            f"“{review.title}” has no {round_label(last)} round. Rounds: "
            + (", ".join(r.label for r in review.rounds) or "none")
            + "."
        )
    rounds = [r for r in review.rounds if last is None or r.month <= last]
    decisions = await session.execute(
        select(ReturnDecision.update_id, ReturnDecision.verdict)
        .join(ProgressUpdate, ProgressUpdate.id == ReturnDecision.update_id)
        .join(AgreedAction, AgreedAction.id == ProgressUpdate.action_id)
        .join(Recommendation, Recommendation.id == AgreedAction.recommendation_id)
        .where(Recommendation.review_id == review.id)
    )
    verdicts = {row.update_id: row.verdict for row in decisions}
    names = {row.id: row.name for row in await session.execute(select(Person.id, Person.name))}
    evidence = await evidence_links(session, review_id=review.id)
    revised = await revised_from(session, review_id=review.id)

    def accepted(update: ProgressUpdate) -> bool:
        state = return_state(
            verdict=verdicts.get(update.id), source=update.source, carried=update.fully_achieved_carried
        )
        return state is ReturnState.ACCEPTED

    recommendations = []
    for rec in review.recommendations:
        actions = []
        for action in rec.actions:
            latest: dict[int, ProgressUpdate] = {}
            for update in action.updates:  # ordered by id: the last one per round wins
                if include_unreviewed or accepted(update):
                    latest[update.round_id] = update
            progress = {
                r.label: entry_of(
                    latest[r.id],
                    not_yet_reviewed=not accepted(latest[r.id]),
                    names=names,
                    attachments=[
                        EvidenceFile(name=link.name, url=link.url)
                        for link in evidence.get((action.id, r.id), [])
                    ],
                )
                for r in rounds
                if r.id in latest
            }
            actions.append(
                PlannedAction(
                    group=action.group,
                    responsibility=action.responsibility,
                    date=action.date_text,
                    revised_from=revised.get(action.id),
                    agreed_action=action.agreed_action,
                    success_measure=action.success_measure,
                    progress=progress,
                )
            )
        link = recommendation_url(link_base, review_id=review.id, number=rec.number) if link_base else None
        recommendations.append(
            PlannedRecommendation(
                number=rec.number,
                text=rec.text,
                actions=actions,
                link=link,
                response=rec.response.said(on=rec.response_date, reason=rec.response_reason)
                if rec.response
                else None,
                not_accepted=rec.response is ExecutiveResponse.NOT_ACCEPTED,
            )
        )
    return PlanDocument(
        review=review.title,
        committee=review.committee.name if review.committee else None,
        link_officers=[p.name for p in review.link_officers],
        action_plan_agreed=review.action_plan_agreed,
        report_date=review.report_date,
        rounds=[
            PlannedRound(
                label=r.label, deadline=r.deadline.isoformat() if r.deadline else None, open=r.is_open
            )
            for r in rounds
        ],
        recommendations=recommendations,
    )


async def unmerge(session: AsyncSession, *, spelling: str) -> tuple[str, list[str]]:
    """Undo what an import merged: the actions whose responsibility writes `spelling` get an owner of
    that name, in place of the owner it was taken for. Spelt exactly so, it stays apart at the next
    import. Returns whom it had been taken for, and the actions ("10.2") now its own."""
    spelling = " ".join(spelling.split())
    key = _name_key(spelling)
    if await session.scalar(select(Person.id).where(func.lower(Person.name) == key)) is not None:
        raise UserFacingError(f"“{spelling}” is an owner of its own already: nothing was changed.")
    actions = await session.scalars(
        select(AgreedAction)
        .where(AgreedAction.responsibility.icontains(spelling, autoescape=True))
        .options(selectinload(AgreedAction.responsible_people), selectinload(AgreedAction.recommendation))
    )
    person = Person(name=spelling, is_group=is_group_name(spelling), is_officer=not is_group_name(spelling))
    was: set[str] = set()
    moved = []
    for action in actions:
        if key not in {_name_key(name) for name in names_in_responsibility(action.responsibility)}:
            continue
        taken = [p for p in action.responsible_people if fuzz.ratio(_name_key(p.name), key) >= SAME_OWNER]
        if taken:
            was.update(p.name for p in taken)
            action.responsible_people = list(
                dict.fromkeys(person if p in taken else p for p in action.responsible_people)
            )
            moved.append(f"{action.recommendation.number}.{action.position}")
    if not moved:
        raise UserFacingError(f"No action names “{spelling}” as another owner: nothing was changed.")
    session.add(person)
    await session.flush()
    return " / ".join(sorted(was)), moved
