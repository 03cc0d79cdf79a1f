"""the Teams client of a 1:1 chat's last message, for cards with buttons a phone can press

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("teams_conversations") as conversations:
        conversations.add_column(sa.Column("client_platform", sa.String(40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("teams_conversations") as conversations:
        conversations.drop_column("client_platform")
