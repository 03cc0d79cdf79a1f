"""internal evidence: a return whose evidence stays off the public tracker (the scrutiny officer's
choice on accepting it, or an admin's with `review evidence-internal`); every return so far is public

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("progress_updates") as updates:
        updates.add_column(sa.Column("internal", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("progress_updates") as updates:
        updates.drop_column("internal")
