"""SQLAlchemy Core tables. Times are Unix seconds (float) so both engines store them alike."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from filmshelf.storage.records import Title

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

accounts = Table(
    "accounts",
    metadata,
    # The v3 integer account id.
    Column("id", Integer, primary_key=True, autoincrement=True),
    # The v4 account object id: 24 lowercase hex characters.
    Column("object_id", String(24), nullable=False, unique=True),
    Column("username", String(64), nullable=False),
    # Lower-cased username: sign-in is case-insensitive, uniqueness too.
    Column("username_key", String(64), nullable=False, unique=True),
    Column("name", String(128), nullable=False, server_default=""),
    Column("password_hash", String(256), nullable=False),
    Column("iso_639_1", String(8), nullable=False, server_default="en"),
    Column("iso_3166_1", String(8), nullable=False, server_default="US"),
    Column("include_adult", Boolean, nullable=False, server_default="0"),
    Column("created_at", Float, nullable=False),
    # The administrator(s): the first account, or one made with `filmshelf users create --admin`.
    Column("is_admin", Boolean, nullable=False, server_default="0"),
    # A disabled account cannot sign in; its tokens, v3 sessions and browser sessions stop working.
    Column("disabled", Boolean, nullable=False, server_default="0"),
    # Browser sessions remember the generation they were made in; raising it (password change,
    # disable) ends every other browser session of the account on every instance.
    Column("session_generation", Integer, nullable=False, server_default="0"),
)

apps = Table(
    "apps",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # The v3 API key (32 hex); also the `aud` claim of every token issued for this app.
    Column("api_key", String(32), nullable=False, unique=True),
    Column("name", String(128), nullable=False),
    Column("owner_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("revoked_at", Float, nullable=True),
)

# A request token is a signed JWT and needs no row until the user decides on it.
request_tokens = Table(
    "request_tokens",
    metadata,
    Column("jti", String(24), primary_key=True),
    Column("app_id", Integer, ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    # approved | denied | used
    Column("state", String(16), nullable=False),
    Column("expires_at", Float, nullable=False),
    Column("decided_at", Float, nullable=False),
    # The access token minted from this request token, revoked if the request token is replayed.
    Column("access_jti", String(24), nullable=True),
)

access_tokens = Table(
    "access_tokens",
    metadata,
    Column("jti", String(24), primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("app_id", Integer, ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
    Column("revoked_at", Float, nullable=True),
    Index("ix_access_tokens_account_app", "account_id", "app_id"),
)

web_sessions = Table(
    "web_sessions",
    metadata,
    # SHA-256 (hex) of the session id; the id itself lives only in the browser's cookie.
    Column("key_hash", String(64), primary_key=True),
    Column("value", LargeBinary, nullable=False),
    Column("expires_at", Float, nullable=True),
    Index("ix_web_sessions_expires_at", "expires_at"),
)

login_throttle = Table(
    "login_throttle",
    metadata,
    # "user:<username_key>" or "ip:<address>"
    Column("key", String(160), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("locked_until", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Index("ix_login_throttle_updated_at", "updated_at"),
)


# --- catalog ---------------------------------------------------------------------------------
# Movies and TV shows in one table so that lists (which mix both) sort and page in SQL.
titles = Table(
    "titles",
    metadata,
    Column("media_type", String(8), primary_key=True),  # movie | tv
    Column("id", Integer, primary_key=True, autoincrement=False),  # TMDB id
    Column("title", String(512), nullable=False),  # `name` for TV
    Column("original_title", String(512), nullable=False),  # `original_name` for TV
    Column("original_language", String(16), nullable=False, server_default=""),
    Column("release_date", String(10), nullable=True),  # `first_air_date` for TV
    Column("genre_ids", Text, nullable=False, server_default="[]"),  # JSON array
    # The known genres among genre_ids as bits (storage/catalog.py, KNOWN_GENRES): discovery's
    # genre filters test it with one AND, in the release-date index.
    Column("genre_mask", BigInteger, nullable=False, server_default="0"),
    Column("origin_country", Text, nullable=False, server_default="[]"),  # JSON array (TV)
    Column("overview", Text, nullable=False, server_default=""),
    # Served figures, derived (catalog/popularity.py) from the imported ones and filmshelf's own
    # activity below; refreshed on every rating, favorite and watchlist change and on a schedule.
    Column("popularity", Float, nullable=False, server_default="0"),
    Column("vote_average", Float, nullable=False, server_default="0"),
    Column("vote_count", Integer, nullable=False, server_default="0"),
    Column("adult", Boolean, nullable=False, server_default="0"),
    Column("video", Boolean, nullable=False, server_default="0"),
    Column("poster_path", String(256), nullable=True),
    Column("backdrop_path", String(256), nullable=True),
    Column("runtime", Integer, nullable=True),
    Column("revenue", BigInteger, nullable=True),
    Column("title_key", String(512), nullable=False),  # lower-cased title, for search and sorting
    Column("updated_at", Float, nullable=False),
    # What an import brought (TMDB's figures, or the sample's seed), kept apart from our own.
    Column("imported_popularity", Float, nullable=False, server_default="0"),
    Column("imported_vote_average", Float, nullable=False, server_default="0"),
    Column("imported_vote_count", Integer, nullable=False, server_default="0"),
    # filmshelf's own users: the sum and number of their ratings, and weighted recent activity.
    Column("user_vote_sum", Float, nullable=False, server_default="0"),
    Column("user_vote_count", Integer, nullable=False, server_default="0"),
    Column("activity_day", Float, nullable=False, server_default="0"),
    Column("activity_week", Float, nullable=False, server_default="0"),
    # Bayesian average of vote_average (the top_rated order), derived like popularity. The
    # default is its value for a title without votes (catalog/popularity.py's prior, 6.5; a test
    # checks that they agree).
    Column("rating_score", Float, nullable=False, server_default="6.5"),
    # TV: the last and next episode air dates a detail import brought (on_the_air, airing_today).
    Column("last_air_date", String(10), nullable=True),
    Column("next_air_date", String(10), nullable=True),
    # Each served order walks one of these (ties broken by id in the same direction). `adult` and
    # `video` ride along so that the walk can skip the rows a page leaves out (and the rows before
    # its offset) without reading them (storage/catalog.py, page_titles).
    Index(
        "ix_titles_media_type_popularity",
        *("media_type", "popularity", "id", "adult", "video", "rating_score", "activity_day", "activity_week"),
    ),
    Index("ix_titles_media_type_vote_average", "media_type", "vote_average", "id", "adult", "video"),
    Index("ix_titles_media_type_vote_count", "media_type", "vote_count", "id", "adult", "video"),
    # The release-date index also carries what discover filters on most (genres, a vote-count
    # floor): a filter with a date window counts and filters its titles without reading a row.
    Index(
        "ix_titles_media_type_release_date",
        *("media_type", "release_date", "id", "adult", "video", "genre_mask", "vote_count"),
    ),
    Index("ix_titles_media_type_original_title", "media_type", "original_title", "id", "adult", "video"),
    # top_rated and trending orders split at a pivot (storage/catalog.py, _split_walks): titles at
    # the pivot (no votes, no activity) walk the popularity index above, the others these.
    # Partial: only titles with votes / with activity this week are in them, so an import of
    # titles without either never touches them.
    Index(
        "ix_titles_voted_rating_score",
        *("media_type", "rating_score", "popularity", "id", "adult"),
        sqlite_where=text("vote_count > 0"),
        postgresql_where=text("vote_count > 0"),
    ),
    Index(
        "ix_titles_active_week",
        *("media_type", "activity_week", "popularity", "id", "adult"),
        sqlite_where=text("activity_week > 0"),
        postgresql_where=text("activity_week > 0"),
    ),
    Index(
        "ix_titles_active_day",
        *("media_type", "activity_day", "popularity", "id", "adult"),
        sqlite_where=text("activity_week > 0"),
        postgresql_where=text("activity_week > 0"),
    ),
)

# The `titles` columns a `records.Title` is built from, in its field order: what a page of titles
# selects (the table's other columns, the vote and activity figures, are not read per page).
TITLE_COLUMNS = tuple(titles.c[name] for name in Title.__struct_fields__)

# The parts of a title that detail imports bring (credits, images, videos, keywords, external ids,
# release dates, content ratings, alternative titles, translations, watch providers, aggregate
# credits): one row per title and part, the part's TMDB object as JSON text without its `id`.
title_parts = Table(
    "title_parts",
    metadata,
    Column("media_type", String(8), primary_key=True),
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("part", String(32), primary_key=True),
    Column("body", Text, nullable=False),
)

# External ids (imdb_id, tvdb_id, wikidata_id ...) of titles, for /3/find/{external_id}.
title_external_ids = Table(
    "title_external_ids",
    metadata,
    Column("source", String(16), primary_key=True),
    Column("value", String(256), primary_key=True),
    Column("media_type", String(8), primary_key=True),
    Column("id", Integer, primary_key=True, autoincrement=False),
    Index("ix_title_external_ids_title", "media_type", "id"),
)

# --- v4 lists ----------------------------------------------------------------------------------
lists = Table(
    "lists",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", String(256), nullable=False),
    Column("description", Text, nullable=False, server_default=""),
    Column("public", Boolean, nullable=False, server_default="1"),
    Column("iso_639_1", String(8), nullable=False, server_default="en"),
    Column("iso_3166_1", String(8), nullable=False, server_default="US"),
    Column("sort_by", String(40), nullable=False, server_default="original_order.asc"),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    # Running totals, kept in step with list_items so list details never aggregate 10,000 rows.
    Column("item_count", Integer, nullable=False, server_default="0"),
    Column("runtime", BigInteger, nullable=False, server_default="0"),
    Column("revenue", BigInteger, nullable=False, server_default="0"),
    Column("vote_sum", Float, nullable=False, server_default="0"),
)

list_items = Table(
    "list_items",
    metadata,
    # Insertion order is the list's "original order".
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("list_id", Integer, ForeignKey("lists.id", ondelete="CASCADE"), nullable=False),
    Column("media_type", String(8), nullable=False),
    Column("media_id", Integer, nullable=False),
    Column("comment", Text, nullable=True),
    Column("object_id", String(24), nullable=False),
    Column("created_at", Float, nullable=False),
    # Sort keys copied from the catalog so that ORDER BY ... LIMIT 20 walks an index.
    Column("sort_title", String(512), nullable=False),
    Column("sort_date", String(10), nullable=False),
    Column("sort_vote", Float, nullable=False),
    # What this item added to its list's runtime/revenue totals (movies only, else 0), kept so that
    # removing it subtracts exactly that even after a catalog import changed the title.
    Column("runtime", Integer, nullable=False, server_default="0"),
    Column("revenue", BigInteger, nullable=False, server_default="0"),
    UniqueConstraint("list_id", "media_type", "media_id", name="uq_list_items_entry"),
    # original_order: ORDER BY id within one list walks this index.
    Index("ix_list_items_list_order", "list_id", "id"),
    Index("ix_list_items_list_title", "list_id", "sort_title", "id"),
    Index("ix_list_items_list_date", "list_id", "sort_date", "id"),
    Index("ix_list_items_list_vote", "list_id", "sort_vote", "id"),
    Index("ix_list_items_media", "media_type", "media_id"),
    # Recent list adds feed popularity (catalog/popularity.py).
    Index("ix_list_items_created_at", "created_at"),
)


# --- account media state (shared by v3 writes and v4 reads) -----------------------------------
def _account_media_table(name: str, *extra: Column[float]) -> Table:
    return Table(
        name,
        metadata,
        Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
        Column("media_type", String(8), primary_key=True),
        Column("media_id", Integer, primary_key=True, autoincrement=False),
        Column("created_at", Float, nullable=False),
        *extra,
        # A title's votes and recent activity are counted from these (catalog/popularity.py).
        Index(f"ix_{name}_media", "media_type", "media_id", "created_at"),
        Index(f"ix_{name}_created_at", "created_at"),
    )


favorites = _account_media_table("favorites")
watchlist = _account_media_table("watchlist")
ratings = _account_media_table("ratings", Column("value", Float, nullable=False))

# --- v3 sessions ---------------------------------------------------------------------------------
v3_request_tokens = Table(
    "v3_request_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),  # SHA-256 of the 40-hex token
    Column("app_id", Integer, ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=True),
    Column("state", String(16), nullable=False),  # new | validated | used | denied
    Column("expires_at", Float, nullable=False),
)

v3_sessions = Table(
    "v3_sessions",
    metadata,
    Column("session_hash", String(64), primary_key=True),  # SHA-256 of the 40-hex session id
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("app_id", Integer, ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    # Set when the session came from a v4 access token: revoking that token ends the session.
    Column("access_jti", String(24), nullable=True, index=True),
    Column("created_at", Float, nullable=False),
    Column("revoked_at", Float, nullable=True),
)

# --- upstream read-through store (FILMSHELF_UPSTREAM_URL) ----------------------------------------
# One row per catalog read answered by the upstream: path + normalised query -> the answer.
upstream_answers = Table(
    "upstream_answers",
    metadata,
    Column("key_hash", String(64), primary_key=True),  # SHA-256 hex of "path?query"
    Column("path", String(256), nullable=False),
    Column("query", Text, nullable=False, server_default=""),
    # The title a /3/movie/{id}... or /3/tv/{id}... path belongs to (NULL for other paths), and
    # whether the path is that title's details: a stored 200 there makes it an upstream title.
    Column("media_type", String(8), nullable=True),
    Column("media_id", Integer, nullable=True),
    Column("details", Boolean, nullable=False, server_default="0"),
    Column("status", Integer, nullable=False),  # 200, or 404 (TMDB code 34)
    Column("body", LargeBinary, nullable=False),  # the JSON body as received
    Column("etag", String(256), nullable=True),
    Column("fetched_at", Float, nullable=False),
    Index("ix_upstream_answers_title", "media_type", "media_id"),
)

# --- v3 guest sessions ---------------------------------------------------------------------------
guest_sessions = Table(
    "guest_sessions",
    metadata,
    Column("session_hash", String(64), primary_key=True),  # SHA-256 of the 32-hex guest_session_id
    Column("app_id", Integer, ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
    # Set by the first rating: a guest session never used within an hour of issue expires then.
    Column("used_at", Float, nullable=True),
    Index("ix_guest_sessions_expires_at", "expires_at"),
)

guest_ratings = Table(
    "guest_ratings",
    metadata,
    Column(
        "session_hash",
        String(64),
        ForeignKey("guest_sessions.session_hash", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("media_type", String(8), primary_key=True),
    Column("media_id", Integer, primary_key=True, autoincrement=False),
    Column("value", Float, nullable=False),
    Column("created_at", Float, nullable=False),
)
