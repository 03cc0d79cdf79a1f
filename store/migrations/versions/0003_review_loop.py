"""the scrutiny officer's review of returns, deputies, evidence from Teams, extension requests
and a round's history

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("people") as people:
        people.add_column(
            sa.Column("is_scrutiny_officer", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "review_scrutiny_officers",
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["review_id"], ["reviews.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("review_id", "person_id"),
    )
    op.create_table(
        "return_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("update_id", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("activity_id", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["update_id"], ["progress_updates.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["decided_by_id"], ["people.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("update_id"),
        sa.UniqueConstraint("activity_id"),
    )
    op.create_table(
        "round_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=20), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(["round_id"], ["monitoring_rounds.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["by_id"], ["people.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_round_history_round_id", "round_history", ["round_id"], unique=False)
    op.create_table(
        "delegations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("deputy_id", sa.Integer(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["action_id"], ["agreed_actions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["round_id"], ["monitoring_rounds.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["owner_id"], ["people.id"]),
        sa.ForeignKeyConstraint(["deputy_id"], ["people.id"]),
        sa.ForeignKeyConstraint(["by_id"], ["people.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_delegations_round_action", "delegations", ["round_id", "action_id"], unique=False)
    op.create_table(
        "evidence_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("content_type", sa.String(length=200), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("author", sa.String(length=200), nullable=True),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("activity_id", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["action_id"], ["agreed_actions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["round_id"], ["monitoring_rounds.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["added_by_id"], ["people.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("activity_id"),
    )
    op.create_index(
        "ix_evidence_items_action_round", "evidence_items", ["action_id", "round_id"], unique=False
    )
    op.create_table(
        "extension_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("date_text", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved", sa.Boolean(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("previous_date_text", sa.String(length=200), nullable=True),
        sa.Column("activity_id", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["action_id"], ["agreed_actions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["requested_by_id"], ["people.id"]),
        sa.ForeignKeyConstraint(["decided_by_id"], ["people.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("activity_id"),
    )
    op.create_index("ix_extension_requests_action_id", "extension_requests", ["action_id"], unique=False)
    with op.batch_alter_table("progress_updates") as updates_table:
        updates_table.add_column(sa.Column("on_behalf_of_id", sa.Integer(), nullable=True))
        updates_table.create_foreign_key(
            "fk_progress_updates_on_behalf_of_id_people", "people", ["on_behalf_of_id"], ["id"]
        )

    # Every update kept, and none sent back for review now: a closed round's current returns were
    # read by the committee already, so they count as accepted (imported ones always do). An open
    # round's returns from Teams wait for the scrutiny officer like any new one.
    updates = sa.table(
        "progress_updates",
        sa.column("id", sa.Integer),
        sa.column("action_id", sa.Integer),
        sa.column("round_id", sa.Integer),
        sa.column("source", sa.String),
        sa.column("fully_achieved_carried", sa.Boolean),
        sa.column("recorded_at", sa.DateTime(timezone=True)),
    )
    rounds = sa.table("monitoring_rounds", sa.column("id", sa.Integer), sa.column("is_open", sa.Boolean))
    decisions = sa.table(
        "return_decisions",
        sa.column("update_id", sa.Integer),
        sa.column("verdict", sa.String),
        sa.column("decided_at", sa.DateTime(timezone=True)),
    )
    current = sa.select(sa.func.max(updates.c.id)).group_by(updates.c.action_id, updates.c.round_id)
    closed_returns = (
        sa.select(updates.c.id, sa.literal("ACCEPTED"), updates.c.recorded_at)
        .join(rounds, rounds.c.id == updates.c.round_id)
        .where(
            rounds.c.is_open == sa.false(),
            updates.c.source != "IMPORT",
            updates.c.fully_achieved_carried == sa.false(),
            updates.c.id.in_(current),
        )
    )
    op.execute(decisions.insert().from_select(["update_id", "verdict", "decided_at"], closed_returns))


def downgrade() -> None:
    with op.batch_alter_table("progress_updates") as updates_table:
        updates_table.drop_constraint("fk_progress_updates_on_behalf_of_id_people", type_="foreignkey")
        updates_table.drop_column("on_behalf_of_id")
    op.drop_index("ix_extension_requests_action_id", table_name="extension_requests")
    op.drop_table("extension_requests")
    op.drop_index("ix_evidence_items_action_round", table_name="evidence_items")
    op.drop_table("evidence_items")
    op.drop_index("ix_delegations_round_action", table_name="delegations")
    op.drop_table("delegations")
    op.drop_index("ix_round_history_round_id", table_name="round_history")
    op.drop_table("round_history")
    op.drop_table("return_decisions")
    op.drop_table("review_scrutiny_officers")
    with op.batch_alter_table("people") as people:
        people.drop_column("is_scrutiny_officer")
