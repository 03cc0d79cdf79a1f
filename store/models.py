"""The committee's domain, as SQLAlchemy 2 models.

A Select Committee's review ends with numbered recommendations; the service agrees an action plan
(agreed actions per recommendation); each monitoring round the link officer returns a progress
update per action. Updates are appended, never overwritten: the newest per action and round is the
current one, the rest is history.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime, time

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    Time,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from documents.grades import Grade
from documents.responses import ExecutiveResponse
from store.views import DraftState


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC on every backend (SQLite drops tzinfo otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC is expected")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class UpdateSource(enum.StrEnum):
    IMPORT = "import"
    TEAMS = "teams"
    CLI = "cli"


class Completion(enum.StrEnum):
    """How a review came to be complete."""

    ALL_ACHIEVED = "all achieved"  # every monitored action Fully Achieved
    SIGNED_OFF = "signed off"  # the committee signed it off, whatever was left


class Base(DeclarativeBase):
    pass


review_link_officers = Table(
    "review_link_officers",
    Base.metadata,
    Column("review_id", ForeignKey("reviews.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
)

# A scrutiny officer for one review; `Person.is_scrutiny_officer` is one for every review.
review_scrutiny_officers = Table(
    "review_scrutiny_officers",
    Base.metadata,
    Column("review_id", ForeignKey("reviews.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
)

action_responsible_people = Table(
    "action_responsible_people",
    Base.metadata,
    Column("action_id", ForeignKey("agreed_actions.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
)


class Person(Base):
    """Someone named in a plan or kept on the admin's roster; a Teams user once matched."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    aad_object_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The id Teams gives them in this bot's conversations ("29:…"): whom a card's refresh is for.
    teams_user_id: Mapped[str | None] = mapped_column(String(200))
    is_officer: Mapped[bool] = mapped_column(Boolean, default=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_chair: Mapped[bool] = mapped_column(Boolean, default=False)
    # Reads every review's returns before the committee does, and accepts or returns them.
    is_scrutiny_officer: Mapped[bool] = mapped_column(Boolean, default=False)
    # A group such as "Digital Services Group" is named as responsible but is nobody's login.
    is_group: Mapped[bool] = mapped_column(Boolean, default=False)

    @property
    def roles(self) -> list[str]:
        flags = (
            ("officer", self.is_officer),
            ("admin", self.is_admin),
            ("chair", self.is_chair),
            ("scrutiny", self.is_scrutiny_officer),
        )
        return [name for name, held in flags if held]


class Committee(Base):
    __tablename__ = "committees"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)

    reviews: Mapped[list[Review]] = relationship(back_populates="committee")


class Review(Base):
    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300), unique=True)
    committee_id: Mapped[int | None] = mapped_column(ForeignKey("committees.id"))
    action_plan_agreed: Mapped[str | None] = mapped_column(String(100))
    # The date of the committee's final report, when the review was imported from it.
    report_date: Mapped[date | None] = mapped_column(Date)
    # "plan agreed": from that day the plan is frozen and its monitoring rounds are scheduled
    # (store/lifecycle.py), the first `first_round_after_months` after it, then every `round_every_months`.
    agreed_on: Mapped[date | None] = mapped_column(Date)
    agreed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    first_round_after_months: Mapped[int | None] = mapped_column(Integer)
    round_every_months: Mapped[int | None] = mapped_column(Integer)
    # The day the next round opens by itself; None: none scheduled (not agreed, or complete).
    next_round_on: Mapped[date | None] = mapped_column(Date, index=True)
    completed_on: Mapped[date | None] = mapped_column(Date)
    completed_how: Mapped[Completion | None] = mapped_column(Enum(Completion, native_enum=False, length=20))
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    # Published as a read-only tracker on the council's website (`review publish`); nothing is until then.
    public: Mapped[bool] = mapped_column(Boolean, default=False)

    committee: Mapped[Committee | None] = relationship(back_populates="reviews")
    link_officers: Mapped[list[Person]] = relationship(secondary=review_link_officers, order_by=Person.name)
    scrutiny_officers: Mapped[list[Person]] = relationship(
        secondary=review_scrutiny_officers, order_by=Person.name
    )
    recommendations: Mapped[list[Recommendation]] = relationship(
        back_populates="review", order_by="Recommendation.number", cascade="all, delete-orphan"
    )
    rounds: Mapped[list[MonitoringRound]] = relationship(
        back_populates="review", order_by="MonitoringRound.month", cascade="all, delete-orphan"
    )


class Recommendation(Base):
    __tablename__ = "recommendations"
    __table_args__ = (UniqueConstraint("review_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    # The executive's response, recorded by a link officer or an admin (None: not given yet).
    response: Mapped[ExecutiveResponse | None] = mapped_column(
        Enum(ExecutiveResponse, native_enum=False, length=30)
    )
    response_reason: Mapped[str | None] = mapped_column(Text)
    response_date: Mapped[date | None] = mapped_column(Date)
    response_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    # Its draft actions with the scrutiny officer, while the plan is drafted (store/drafts.py); None:
    # never drafted in Teams (a plan imported whole). A returned draft keeps the reason until resent.
    draft_state: Mapped[DraftState | None] = mapped_column(Enum(DraftState, native_enum=False, length=20))
    draft_reason: Mapped[str | None] = mapped_column(Text)
    draft_sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    draft_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    review: Mapped[Review] = relationship(back_populates="recommendations")
    actions: Mapped[list[AgreedAction]] = relationship(
        back_populates="recommendation", order_by="AgreedAction.position", cascade="all, delete-orphan"
    )


class AgreedAction(Base):
    __tablename__ = "agreed_actions"
    __table_args__ = (UniqueConstraint("recommendation_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id", ondelete="CASCADE"))
    # Order within the recommendation, from 1, across sub-headings.
    position: Mapped[int] = mapped_column(Integer)
    group: Mapped[str | None] = mapped_column(String(200))  # sub-heading, e.g. "For Council Staff"
    responsibility: Mapped[str] = mapped_column(Text)  # as written: "Lorraine Dixon / Liz Purdy"
    date_text: Mapped[str] = mapped_column(String(200))  # as written: "April 2019 – ongoing"
    due_from: Mapped[date | None] = mapped_column(Date)
    due_by: Mapped[date | None] = mapped_column(Date)  # last day of the last month named
    ongoing: Mapped[bool] = mapped_column(Boolean, default=False)
    agreed_action: Mapped[str] = mapped_column(Text)
    success_measure: Mapped[str] = mapped_column(Text, default="")

    recommendation: Mapped[Recommendation] = relationship(back_populates="actions")
    responsible_people: Mapped[list[Person]] = relationship(
        secondary=action_responsible_people, order_by=Person.name
    )
    updates: Mapped[list[ProgressUpdate]] = relationship(
        back_populates="action", order_by="ProgressUpdate.id", cascade="all, delete-orphan"
    )


class ActionRevision(Base):
    """An agreed action's words before a change made after its plan was agreed (store/revisions.py).
    The plan is frozen at agreement: a later change keeps what it replaced here, with when and how,
    as progress updates keep their earlier versions. Never changed."""

    __tablename__ = "action_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("agreed_actions.id", ondelete="CASCADE"), index=True)
    group: Mapped[str | None] = mapped_column(String(200))
    responsibility: Mapped[str] = mapped_column(Text)
    date_text: Mapped[str] = mapped_column(String(200))
    agreed_action: Mapped[str] = mapped_column(Text)
    success_measure: Mapped[str] = mapped_column(Text)
    revised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revised_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    source: Mapped[UpdateSource] = mapped_column(Enum(UpdateSource, native_enum=False, length=20))


class MonitoringRound(Base):
    """One round of progress updates for a review, named by its month ("September 2020")."""

    __tablename__ = "monitoring_rounds"
    __table_args__ = (UniqueConstraint("review_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(50))
    month: Mapped[date] = mapped_column(Date)  # first day of the month
    deadline: Mapped[date | None] = mapped_column(Date)
    is_open: Mapped[bool] = mapped_column(Boolean, default=False)

    review: Mapped[Review] = relationship(back_populates="rounds")


class ProgressUpdate(Base):
    """One version of an action's return for a round. Never updated in place."""

    __tablename__ = "progress_updates"
    __table_args__ = (Index("ix_progress_updates_action_round", "action_id", "round_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("agreed_actions.id", ondelete="CASCADE"))
    round_id: Mapped[int] = mapped_column(ForeignKey("monitoring_rounds.id", ondelete="CASCADE"))
    evidence: Mapped[str] = mapped_column(Text, default="")
    grade: Mapped[Grade | None] = mapped_column(Enum(Grade, native_enum=False, length=20))
    explanation: Mapped[str | None] = mapped_column(Text)
    impact: Mapped[str | None] = mapped_column(Text)
    # "N/A (Fully Achieved)": the action was done in an earlier round; nothing asked of it.
    fully_achieved_carried: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    # Recorded by a deputy (recorded_by) for the officer named here, who was away for the round.
    on_behalf_of_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    source: Mapped[UpdateSource] = mapped_column(Enum(UpdateSource, native_enum=False, length=20))
    # The Teams activity that saved it: a duplicate delivery of that activity saves nothing more.
    activity_id: Mapped[str | None] = mapped_column(String(200), unique=True)
    # Its evidence stays off the public tracker (the scrutiny officer's choice on accepting it, or an
    # admin's later): where it is published, not what was returned, so the one field changed in place.
    internal: Mapped[bool] = mapped_column(Boolean, default=False)

    action: Mapped[AgreedAction] = relationship(back_populates="updates")
    round: Mapped[MonitoringRound] = relationship()
    recorded_by: Mapped[Person | None] = relationship(foreign_keys=[recorded_by_id])
    on_behalf_of: Mapped[Person | None] = relationship(foreign_keys=[on_behalf_of_id])


class Verdict(enum.StrEnum):
    ACCEPTED = "accepted"
    RETURNED = "returned"


class ReturnDecision(Base):
    """The scrutiny officer's decision on one version of a return: accepted, or returned with the
    reason. One per version, never changed: an officer answers a returned one with a new version."""

    __tablename__ = "return_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(ForeignKey("progress_updates.id", ondelete="CASCADE"), unique=True)
    verdict: Mapped[Verdict] = mapped_column(Enum(Verdict, native_enum=False, length=20))
    reason: Mapped[str | None] = mapped_column(Text)
    # None: accepted when the review loop came in (a closed round's return, by migration).
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The Teams activity that decided it: the same Accept delivered twice decides once.
    activity_id: Mapped[str | None] = mapped_column(String(200), unique=True)

    update: Mapped[ProgressUpdate] = relationship()
    decided_by: Mapped[Person | None] = relationship()


class Delegation(Base):
    """An officer away for a round names a deputy, who records for the action in that round only and
    gets its reminders instead of them. Ended, not deleted, when taken back."""

    __tablename__ = "delegations"
    __table_args__ = (Index("ix_delegations_round_action", "round_id", "action_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("agreed_actions.id", ondelete="CASCADE"))
    round_id: Mapped[int] = mapped_column(ForeignKey("monitoring_rounds.id", ondelete="CASCADE"))
    owner_id: Mapped[int] = mapped_column(ForeignKey("people.id"))  # on whose behalf
    deputy_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class EvidenceKind(enum.StrEnum):
    FILE = "file"  # sent in the 1:1 chat while recording an update
    MESSAGE = "message"  # a Teams message, added with "Add as evidence"


class EvidenceItem(Base):
    """Evidence from Teams for an action in a round: a file or a message, kept by name and link (and
    its bytes only if the council turns that on)."""

    __tablename__ = "evidence_items"
    __table_args__ = (Index("ix_evidence_items_action_round", "action_id", "round_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("agreed_actions.id", ondelete="CASCADE"))
    round_id: Mapped[int] = mapped_column(ForeignKey("monitoring_rounds.id", ondelete="CASCADE"))
    kind: Mapped[EvidenceKind] = mapped_column(Enum(EvidenceKind, native_enum=False, length=20))
    name: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str | None] = mapped_column(String(200))
    size: Mapped[int | None] = mapped_column(Integer)
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    text: Mapped[str | None] = mapped_column(Text)  # a message's words
    author: Mapped[str | None] = mapped_column(String(200))  # who wrote the message
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The Teams activity that brought it: delivered twice, it is added once.
    activity_id: Mapped[str | None] = mapped_column(String(200), unique=True)


class ExtensionRequest(Base):
    """An officer asks for a later date for an action; the scrutiny officer approves or refuses it.
    Approved, the new date is the action's due date from then on; the date it replaced stays here."""

    __tablename__ = "extension_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("agreed_actions.id", ondelete="CASCADE"), index=True)
    date_text: Mapped[str] = mapped_column(String(200))  # asked for: "March 2021"
    reason: Mapped[str] = mapped_column(Text)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved: Mapped[bool | None] = mapped_column(Boolean)  # None: waiting for the scrutiny officer
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    previous_date_text: Mapped[str | None] = mapped_column(String(200))  # the date an approval replaced
    activity_id: Mapped[str | None] = mapped_column(String(200), unique=True)


class RoundEvent(enum.StrEnum):
    OPENED = "opened"
    CLOSED = "closed"


class RoundHistory(Base):
    """A round opened or closed, by whom, and why when it closed with returns still waiting."""

    __tablename__ = "round_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("monitoring_rounds.id", ondelete="CASCADE"), index=True)
    event: Mapped[RoundEvent] = mapped_column(Enum(RoundEvent, native_enum=False, length=20))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str | None] = mapped_column(String(300))


class BotStateItem(Base):
    """botbuilder Storage rows: conversation and dialog state, so dialogs survive restarts."""

    __tablename__ = "bot_state"

    key: Mapped[str] = mapped_column(String(500), primary_key=True)
    data: Mapped[dict[str, object]] = mapped_column(JSON)
    e_tag: Mapped[str] = mapped_column(String(64))


class ConversationKind(enum.StrEnum):
    PERSONAL = "personal"
    CHANNEL = "channel"
    GROUP_CHAT = "groupChat"


class TeamsConversation(Base):
    """Where the bot may speak unprompted: a channel it was added to, a 1:1 chat it was installed or
    written in."""

    __tablename__ = "teams_conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(500), unique=True)
    kind: Mapped[ConversationKind] = mapped_column(Enum(ConversationKind, native_enum=False, length=20))
    tenant_id: Mapped[str | None] = mapped_column(String(64))
    team_id: Mapped[str | None] = mapped_column(String(500))
    team_name: Mapped[str | None] = mapped_column(String(300))
    channel_id: Mapped[str | None] = mapped_column(String(500))
    service_url: Mapped[str] = mapped_column(String(1000))
    # The botbuilder ConversationReference, serialised, for continue_conversation.
    reference: Mapped[dict[str, object]] = mapped_column(JSON)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    installed: Mapped[bool] = mapped_column(Boolean, default=True)
    # 403 from Teams: the app was removed or blocked here. Stop posting until it is re-added.
    blocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # The Teams client of the person's last message in a 1:1 chat ("android", "ios", "web", "windows"…,
    # from the activity's clientInfo): the bot's cards to a phone carry buttons phones can press.
    client_platform: Mapped[str | None] = mapped_column(String(40))

    person: Mapped[Person | None] = relationship()


class ProcessedActivity(Base):
    """Inbound activity ids already handled: Teams may deliver the same activity twice."""

    __tablename__ = "processed_activities"

    activity_id: Mapped[str] = mapped_column(String(300), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(500), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


# --- Weekly summaries and reminders (store/deliveries.py) ---


class DeliveryKind(enum.StrEnum):
    SUMMARY = "summary"  # a review's weekly summary card, to a channel
    REMINDER = "reminder"  # an officer's 1:1 nudge before a round's deadline
    AFTER_DEADLINE = "after_deadline"  # the link officer hears what is still missing
    RETURNED = "returned"  # an officer hears their update was returned, and why
    ACCEPTED = "accepted"  # an officer hears, once a day at most, which updates were accepted
    TO_REVIEW = "to_review"  # the scrutiny officer hears, after the deadline, what is still waiting
    EXTENSION = "extension"  # an officer hears whether their new date was approved
    UNREACHABLE = "unreachable"  # a link officer hears whom the bot could not tell, and what
    RESPONSE_DUE = "response_due"  # the link officers hear the executive's response is due soon


class SummarySchedule(Base):
    """When a channel hears its weekly summary. Slots before `starts_at` are never due: a channel
    that changes its day, or has just been added, is not sent last week's summary at once."""

    __tablename__ = "summary_schedules"

    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("teams_conversations.id", ondelete="CASCADE"), primary_key=True
    )
    weekday: Mapped[int] = mapped_column(Integer)  # 0 = Monday
    at: Mapped[time] = mapped_column(Time)  # wall-clock time in `zone`
    zone: Mapped[str] = mapped_column(String(64))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))


class Delivery(Base):
    """One proactive message that must go out exactly once: claimed (unique key) before it is posted,
    marked sent after. A claim whose process died is taken over once its lease has run out."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("kind", "target", "slot"),
        Index("ix_deliveries_last_sent", "kind", "target", "review_id", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DeliveryKind] = mapped_column(Enum(DeliveryKind, native_enum=False, length=30))
    # A conversation id (summaries) or "person:ID" (reminders, whichever chat reaches them).
    target: Mapped[str] = mapped_column(String(500))
    # Which one: "2026-11-23T09:00:00+00:00 review 3", "round 12, 14 days before".
    slot: Mapped[str] = mapped_column(String(200))
    review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Nobody else may take it over before then; None or past: free to (re)try.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    conversation_id: Mapped[str | None] = mapped_column(String(500))  # where it went
    last_error: Mapped[str | None] = mapped_column(String(300))


class PendingNotice(Base):
    """A personal notice (a returned update, a decided date, ...) for someone the bot has no way to
    reach yet: kept with the card it would have sent, and sent when they are first seen in Teams.
    It is claimed under the delivery key it would have had (kind, "person:ID", slot), so it goes out
    once, whichever turn or tick sends it (store/notices.py)."""

    __tablename__ = "pending_notices"
    __table_args__ = (UniqueConstraint("person_id", "kind", "slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    kind: Mapped[DeliveryKind] = mapped_column(Enum(DeliveryKind, native_enum=False, length=30))
    slot: Mapped[str] = mapped_column(String(200))
    review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    card: Mapped[dict[str, object]] = mapped_column(JSON)
    summary: Mapped[str] = mapped_column(Text)
    kept_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The review's link officers were told (or could not be): whom the bot could not reach, and what.
    link_officers_told: Mapped[bool] = mapped_column(Boolean, default=False)


class MeetingDiscussion(Base):
    """The recommendation a committee's Teams meeting has on its shared stage: its side panels open on
    it, whoever opens theirs. One row a meeting and review, replaced at each "Share to stage"."""

    __tablename__ = "meeting_discussions"

    # The meeting's chat id, as teams-js gives it ("19:meeting_…@thread.v2").
    meeting_id: Mapped[str] = mapped_column(String(300), primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer)
    shared_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    shared_at: Mapped[datetime] = mapped_column(UTCDateTime)
