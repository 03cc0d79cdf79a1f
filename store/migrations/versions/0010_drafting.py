"""drafting the action plan in Teams: each recommendation's draft and where it stands with the
scrutiny officer (drafting, waiting, returned with a reason, accepted)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("recommendations") as recommendations:
        recommendations.add_column(sa.Column("draft_state", sa.String(length=20), nullable=True))
        recommendations.add_column(sa.Column("draft_reason", sa.Text(), nullable=True))
        recommendations.add_column(
            sa.Column(
                "draft_sent_by_id",
                sa.Integer(),
                sa.ForeignKey(
                    "people.id", name="fk_recommendations_draft_sent_by_id_people", ondelete="SET NULL"
                ),
                nullable=True,
            )
        )
        recommendations.add_column(sa.Column("draft_sent_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("recommendations") as recommendations:
        recommendations.drop_constraint("fk_recommendations_draft_sent_by_id_people", type_="foreignkey")
        recommendations.drop_column("draft_sent_at")
        recommendations.drop_column("draft_sent_by_id")
        recommendations.drop_column("draft_reason")
        recommendations.drop_column("draft_state")
