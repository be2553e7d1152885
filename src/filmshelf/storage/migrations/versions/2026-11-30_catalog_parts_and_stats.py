"""catalog: title parts, external ids, own votes and activity, discovery indexes

Revision ID: cat_0003
Revises: web_0001
Create Date: 2026-11-30 03:00:00

Existing popularity and vote figures all came from imports: they are copied into the new
`imported_*` columns, and `rating_score` is computed with the constants of
catalog/popularity.py as they were when this migration was written (prior 6.5, weight 10).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "cat_0003"
down_revision = "web_0001"
branch_labels = None
depends_on = None

_MEDIA_TABLES = ("favorites", "watchlist", "ratings")


def upgrade() -> None:
    op.create_table(
        "title_parts",
        sa.Column("media_type", sa.String(length=8), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("part", sa.String(length=32), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("media_type", "id", "part", name=op.f("pk_title_parts")),
    )
    op.create_table(
        "title_external_ids",
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=256), nullable=False),
        sa.Column("media_type", sa.String(length=8), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("source", "value", "media_type", "id", name=op.f("pk_title_external_ids")),
    )
    with op.batch_alter_table("title_external_ids", schema=None) as batch_op:
        batch_op.create_index("ix_title_external_ids_title", ["media_type", "id"], unique=False)

    with op.batch_alter_table("titles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("imported_popularity", sa.Float(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("imported_vote_average", sa.Float(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("imported_vote_count", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("user_vote_sum", sa.Float(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("user_vote_count", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("activity_day", sa.Float(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("activity_week", sa.Float(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("rating_score", sa.Float(), server_default="6.5", nullable=False))
        batch_op.add_column(sa.Column("last_air_date", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("next_air_date", sa.String(length=10), nullable=True))
        batch_op.drop_index("ix_titles_media_type_popularity")
        batch_op.create_index(
            "ix_titles_media_type_popularity",
            ["media_type", "popularity", "id", "adult", "video", "rating_score", "activity_day", "activity_week"],
            unique=False,
        )
        for name in ("vote_average", "vote_count", "release_date", "original_title"):
            batch_op.create_index(
                f"ix_titles_media_type_{name}", ["media_type", name, "id", "adult", "video"], unique=False
            )
        for name, column, where in (
            ("ix_titles_voted_rating_score", "rating_score", "vote_count > 0"),
            ("ix_titles_active_week", "activity_week", "activity_week > 0"),
            ("ix_titles_active_day", "activity_day", "activity_week > 0"),
        ):
            batch_op.create_index(
                name,
                ["media_type", column, "popularity", "id", "adult"],
                unique=False,
                sqlite_where=sa.text(where),
                postgresql_where=sa.text(where),
            )
    op.execute(
        "UPDATE titles SET imported_popularity = popularity, imported_vote_average = vote_average, "
        "imported_vote_count = vote_count, "
        "rating_score = (vote_average * vote_count + 6.5 * 10) / (vote_count + 10)"
    )

    with op.batch_alter_table("list_items", schema=None) as batch_op:
        batch_op.create_index("ix_list_items_created_at", ["created_at"], unique=False)
    for table in _MEDIA_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(f"ix_{table}_media", ["media_type", "media_id", "created_at"], unique=False)
            batch_op.create_index(f"ix_{table}_created_at", ["created_at"], unique=False)


def downgrade() -> None:
    for table in _MEDIA_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_created_at")
            batch_op.drop_index(f"ix_{table}_media")
    with op.batch_alter_table("list_items", schema=None) as batch_op:
        batch_op.drop_index("ix_list_items_created_at")
    with op.batch_alter_table("titles", schema=None) as batch_op:
        for partial in ("ix_titles_voted_rating_score", "ix_titles_active_week", "ix_titles_active_day"):
            batch_op.drop_index(partial)
        for name in (
            "original_title",
            "release_date",
            "vote_count",
            "vote_average",
        ):
            batch_op.drop_index(f"ix_titles_media_type_{name}")
        batch_op.drop_index("ix_titles_media_type_popularity")
        batch_op.create_index("ix_titles_media_type_popularity", ["media_type", "popularity"], unique=False)
        for column in (
            "next_air_date",
            "last_air_date",
            "rating_score",
            "activity_week",
            "activity_day",
            "user_vote_count",
            "user_vote_sum",
            "imported_vote_count",
            "imported_vote_average",
            "imported_popularity",
        ):
            batch_op.drop_column(column)
    with op.batch_alter_table("title_external_ids", schema=None) as batch_op:
        batch_op.drop_index("ix_title_external_ids_title")
    op.drop_table("title_external_ids")
    op.drop_table("title_parts")
