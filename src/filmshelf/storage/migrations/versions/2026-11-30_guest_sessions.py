"""v3 guest sessions and their ratings

Revision ID: v3_0003
Revises: up_0003
Create Date: 2026-11-30 03:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "v3_0003"
down_revision = "up_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "guest_sessions",
        sa.Column("session_hash", sa.String(length=64), nullable=False),
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.Column("used_at", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name=op.f("fk_guest_sessions_app_id_apps"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("session_hash", name=op.f("pk_guest_sessions")),
    )
    with op.batch_alter_table("guest_sessions", schema=None) as batch_op:
        batch_op.create_index("ix_guest_sessions_expires_at", ["expires_at"], unique=False)
    op.create_table(
        "guest_ratings",
        sa.Column("session_hash", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=8), nullable=False),
        sa.Column("media_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_hash"],
            ["guest_sessions.session_hash"],
            name=op.f("fk_guest_ratings_session_hash_guest_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_hash", "media_type", "media_id", name=op.f("pk_guest_ratings")),
    )


def downgrade() -> None:
    op.drop_table("guest_ratings")
    with op.batch_alter_table("guest_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_guest_sessions_expires_at")
    op.drop_table("guest_sessions")
