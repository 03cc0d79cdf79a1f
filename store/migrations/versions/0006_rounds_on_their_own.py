"""a review's agreement, its rounds scheduled to open on their own, and its completion

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0004"
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


def downgrade() -> None:
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
