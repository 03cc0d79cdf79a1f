"""a review's agreement (its actions' later revisions kept), rounds that open on their own, completion

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reviews") as reviews:
        reviews.add_column(sa.Column("agreed_on", sa.Date(), nullable=True))
        reviews.add_column(
            sa.Column(
                "agreed_by_id",
                sa.Integer(),
                sa.ForeignKey("people.id", name="fk_reviews_agreed_by_id_people", ondelete="SET NULL"),
                nullable=True,
            )
        )
        reviews.add_column(sa.Column("first_round_after_months", sa.Integer(), nullable=True))
        reviews.add_column(sa.Column("round_every_months", sa.Integer(), nullable=True))
        reviews.add_column(sa.Column("next_round_on", sa.Date(), nullable=True))
        reviews.add_column(sa.Column("completed_on", sa.Date(), nullable=True))
        reviews.add_column(sa.Column("completed_how", sa.String(length=20), nullable=True))
        reviews.add_column(
            sa.Column(
                "completed_by_id",
                sa.Integer(),
                sa.ForeignKey("people.id", name="fk_reviews_completed_by_id_people", ondelete="SET NULL"),
                nullable=True,
            )
        )
        reviews.create_index("ix_reviews_next_round_on", ["next_round_on"], unique=False)
    op.create_table(
        "action_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("group", sa.String(length=200), nullable=True),
        sa.Column("responsibility", sa.Text(), nullable=False),
        sa.Column("date_text", sa.String(length=200), nullable=False),
        sa.Column("agreed_action", sa.Text(), nullable=False),
        sa.Column("success_measure", sa.Text(), nullable=False),
        sa.Column("revised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revised_by_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["action_id"], ["agreed_actions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["revised_by_id"], ["people.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_action_revisions_action_id", "action_revisions", ["action_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_action_revisions_action_id", table_name="action_revisions")
    op.drop_table("action_revisions")
    with op.batch_alter_table("reviews") as reviews:
        reviews.drop_index("ix_reviews_next_round_on")
        reviews.drop_constraint("fk_reviews_completed_by_id_people", type_="foreignkey")
        reviews.drop_constraint("fk_reviews_agreed_by_id_people", type_="foreignkey")
        for column in (
            "completed_by_id",
            "completed_how",
            "completed_on",
            "next_round_on",
            "round_every_months",
            "first_round_after_months",
            "agreed_by_id",
            "agreed_on",
        ):
            reviews.drop_column(column)
