"""list_items: per-item runtime/revenue contributions and an original-order index

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 02:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("list_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("runtime", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("revenue", sa.BigInteger(), server_default="0", nullable=False))
        batch_op.create_index("ix_list_items_list_order", ["list_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("list_items", schema=None) as batch_op:
        batch_op.drop_index("ix_list_items_list_order")
        batch_op.drop_column("revenue")
        batch_op.drop_column("runtime")
