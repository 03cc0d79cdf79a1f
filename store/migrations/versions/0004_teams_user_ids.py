"""each person's Teams user id, for the cards Teams refreshes for them

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("people") as people:
        people.add_column(sa.Column("teams_user_id", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("people") as people:
        people.drop_column("teams_user_id")
