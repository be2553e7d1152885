"""titles.genre_mask, and the release-date index carrying genre_mask and vote_count

Revision ID: speed_0001
Revises: cat_0003
Create Date: 2026-12-07 00:00:00

The mask holds the known TMDB genres among a title's genre_ids as bits (storage/catalog.py,
KNOWN_GENRES: the list is copied here as it was when this migration was written).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "speed_0001"
down_revision = "cat_0003"
branch_labels = None
depends_on = None

_KNOWN_GENRES = (
    *(28, 12, 16, 35, 80, 99, 18, 10751, 14, 36, 27, 10402, 9648, 10749, 878, 10770, 53, 10752, 37),
    *(10759, 10762, 10763, 10764, 10765, 10766, 10767, 10768),
)
_PADDED = "replace(replace(replace(genre_ids, ' ', ''), '[', ','), ']', ',')"


def upgrade() -> None:
    with op.batch_alter_table("titles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("genre_mask", sa.BigInteger(), server_default="0", nullable=False))
    bits = " + ".join(
        f"(CASE WHEN {_PADDED} LIKE '%,{genre},%' THEN {1 << position} ELSE 0 END)"
        for position, genre in enumerate(_KNOWN_GENRES)
    )
    # Built from the integer constants above only.
    op.execute(f"UPDATE titles SET genre_mask = {bits} WHERE genre_ids <> '[]'")  # noqa: S608
    with op.batch_alter_table("titles", schema=None) as batch_op:
        batch_op.drop_index("ix_titles_media_type_release_date")
        batch_op.create_index(
            "ix_titles_media_type_release_date",
            ["media_type", "release_date", "id", "adult", "video", "genre_mask", "vote_count"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("titles", schema=None) as batch_op:
        batch_op.drop_index("ix_titles_media_type_release_date")
        batch_op.create_index(
            "ix_titles_media_type_release_date", ["media_type", "release_date", "id", "adult", "video"], unique=False
        )
        batch_op.drop_column("genre_mask")
