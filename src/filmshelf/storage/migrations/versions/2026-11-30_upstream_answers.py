"""upstream_answers: the read-through store of answers fetched from FILMSHELF_UPSTREAM_URL

Revision ID: up_0003
Revises: sec_0003
Create Date: 2026-11-30 00:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "up_0003"
down_revision = "sec_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "upstream_answers",
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("path", sa.String(length=256), nullable=False),
        sa.Column("query", sa.Text(), server_default="", nullable=False),
        sa.Column("media_type", sa.String(length=8), nullable=True),
        sa.Column("media_id", sa.Integer(), nullable=True),
        sa.Column("details", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("etag", sa.String(length=256), nullable=True),
        sa.Column("fetched_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key_hash", name=op.f("pk_upstream_answers")),
    )
    with op.batch_alter_table("upstream_answers", schema=None) as batch_op:
        batch_op.create_index("ix_upstream_answers_title", ["media_type", "media_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("upstream_answers", schema=None) as batch_op:
        batch_op.drop_index("ix_upstream_answers_title")
    op.drop_table("upstream_answers")
