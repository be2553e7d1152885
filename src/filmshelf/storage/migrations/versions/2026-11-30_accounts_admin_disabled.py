"""accounts: is_admin, disabled and a browser-session generation

Revision ID: web_0001
Revises: v3_0003
Create Date: 2026-11-30 02:40:00

The first account (lowest id) of an existing database becomes the administrator, as a new
database makes its first account one.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "web_0001"
down_revision = "v3_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("is_admin", sa.Boolean(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("disabled", sa.Boolean(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("session_generation", sa.Integer(), server_default="0", nullable=False))
    accounts = sa.table("accounts", sa.column("id", sa.Integer()), sa.column("is_admin", sa.Boolean()))
    first = sa.select(sa.func.min(accounts.c.id)).scalar_subquery()
    op.execute(accounts.update().where(accounts.c.id == first).values(is_admin=True))


def downgrade() -> None:
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_column("session_generation")
        batch_op.drop_column("disabled")
        batch_op.drop_column("is_admin")
