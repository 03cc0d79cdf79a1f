"""the executive's response to each recommendation (due some months after the report's date, 0006)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("recommendations") as recommendations:
        recommendations.add_column(sa.Column("response", sa.String(length=30), nullable=True))
        recommendations.add_column(sa.Column("response_reason", sa.Text(), nullable=True))
        recommendations.add_column(sa.Column("response_date", sa.Date(), nullable=True))
        recommendations.add_column(sa.Column("response_by_id", sa.Integer(), nullable=True))
        recommendations.create_foreign_key(
            "fk_recommendations_response_by_id_people", "people", ["response_by_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("recommendations") as recommendations:
        recommendations.drop_constraint("fk_recommendations_response_by_id_people", type_="foreignkey")
        recommendations.drop_column("response_by_id")
        recommendations.drop_column("response_date")
        recommendations.drop_column("response_reason")
        recommendations.drop_column("response")
