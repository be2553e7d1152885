"""v4 list operations: create, read a page, update, delete, and item batches.

Who may do what:
* read (details, item_status): anyone with app credentials when the list is public; only the
  owner when it is private. A private list answers 404 / 34 to everyone else, exactly as a list
  that does not exist, so list ids cannot be probed for private lists.
* change (update, delete, items, clear): only the owner (the route has already required a user
  token with the write scope). Another user gets 401 / 38 for a public list and 404 / 34 for a
  private one (it is invisible to them).

Every change runs in one transaction that first locks the list row, so the running totals on
`lists` (item_count, runtime, revenue, vote_sum) always equal the sums over its items.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from filmshelf import wire
from filmshelf.accounts import users
from filmshelf.auth.tokens import new_object_id
from filmshelf.errors import FilmshelfError, NoEditPermission, NotFound
from filmshelf.lists import rules
from filmshelf.storage import catalog as catalog_rows
from filmshelf.storage import lists as list_rows
from filmshelf.storage.engine import Conn
from filmshelf.storage.records import ListEntry

MediaKey = tuple[str, int]


@dataclass(frozen=True, slots=True)
class ItemInput:
    """One entry of an items batch as the client sent it."""

    media_type: str
    media_id: int
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class ItemOutcome:
    """The per-item result of a batch."""

    media_type: str
    media_id: int
    success: bool


@dataclass(frozen=True, slots=True)
class ListInfo:
    """A list's own fields and running totals."""

    id: int
    account_id: int
    name: str
    description: str
    public: bool
    iso_639_1: str
    iso_3166_1: str
    sort_by: str
    item_count: int
    runtime: int
    revenue: int
    average_rating: float
    created_at: float
    updated_at: float

    @classmethod
    def from_row(cls, row: Any) -> ListInfo:
        """Build from a `lists` row."""
        return cls(
            id=int(row.id),
            account_id=int(row.account_id),
            name=row.name,
            description=row.description,
            public=bool(row.public),
            iso_639_1=row.iso_639_1,
            iso_3166_1=row.iso_3166_1,
            sort_by=row.sort_by,
            item_count=int(row.item_count),
            runtime=int(row.runtime),
            revenue=int(row.revenue),
            average_rating=rules.average_rating(float(row.vote_sum), int(row.item_count)),
            created_at=float(row.created_at),
            updated_at=float(row.updated_at),
        )


@dataclass(frozen=True, slots=True)
class ListSummary:
    """A list as an account's list pages show it: its facts and its first item's images."""

    info: ListInfo
    poster_path: str | None
    backdrop_path: str | None


@dataclass(frozen=True, slots=True)
class ListPage:
    """One page of a list in one order."""

    info: ListInfo
    owner: users.Account
    sort: rules.SortOrder
    page: int
    entries: list[ListEntry]
    poster_path: str | None
    backdrop_path: str | None

    @property
    def total_pages(self) -> int:
        """Pages of the whole list (at least 1)."""
        return wire.total_pages(self.info.item_count)


@dataclass(frozen=True, slots=True)
class ListChanges:
    """The fields an update may set; None leaves a field as it is."""

    name: str | None = None
    description: str | None = None
    public: bool | None = None
    sort_by: str | None = None
    iso_639_1: str | None = None
    iso_3166_1: str | None = None


async def create_list(
    conn: Conn,
    *,
    account_id: int,
    name: str | None,
    description: str | None,
    public: bool | None,
    iso_639_1: str | None,
    iso_3166_1: str | None,
    now: float,
) -> int:
    """Create an empty list owned by `account_id`; return its id. Absent codes: the account's own."""
    name = rules.check_name(name)
    description = rules.check_description(description)
    if iso_639_1 is None or iso_3166_1 is None:
        account = await users.find_by_id(conn, account_id)
        assert account is not None  # a verified access token belongs to a live account
        iso_639_1 = account.iso_639_1 if iso_639_1 is None else iso_639_1
        iso_3166_1 = account.iso_3166_1 if iso_3166_1 is None else iso_3166_1
    return await list_rows.insert_list(
        conn,
        account_id=account_id,
        name=name,
        description=description,
        public=True if public is None else public,
        iso_639_1=rules.check_language(iso_639_1),
        iso_3166_1=rules.check_country(iso_3166_1),
        now=now,
    )


async def readable(conn: Conn, *, list_id: int, account_id: int | None) -> ListInfo:
    """The list if `account_id` (None: an app alone) may read it; else 404 / 34."""
    row = await list_rows.visible_to(conn, list_id=list_id, account_id=account_id)
    if row is None:
        raise NotFound()
    return ListInfo.from_row(row)


async def owned(conn: Conn, *, list_id: int, account_id: int) -> ListInfo:
    """Lock the list for a change by its owner; 404 / 34 if invisible to them, 401 / 38 if not theirs."""
    row = await list_rows.visible_to(conn, list_id=list_id, account_id=account_id, lock=True)
    if row is None:
        raise NotFound()
    if int(row.account_id) != account_id:
        raise NoEditPermission()
    return ListInfo.from_row(row)


async def read_page(conn: Conn, *, list_id: int, account_id: int | None, page: int, sort_by: str | None) -> ListPage:
    """One page (20 items) of a list, in `sort_by` order or the list's saved order; only that page is read."""
    row = await list_rows.readable_with_owner(conn, list_id=list_id, account_id=account_id)
    if row is None:
        raise NotFound()
    info = ListInfo.from_row(row)
    sort = rules.parse_sort_by(sort_by if sort_by is not None else info.sort_by)
    offset = wire.offset_of(page)
    entries: list[ListEntry] = []
    if offset < info.item_count:
        entries = await list_rows.page_items(
            conn,
            list_id=list_id,
            sort_field=sort.field,
            descending=sort.descending,
            limit=wire.PAGE_SIZE,
            offset=offset,
        )
    poster_path, backdrop_path = row.first_poster_path, row.first_backdrop_path
    owner = users.Account(
        id=info.account_id,
        object_id=row.owner_object_id,
        username=row.owner_username,
        name=row.owner_name,
        iso_639_1=row.owner_iso_639_1,
        iso_3166_1=row.owner_iso_3166_1,
        include_adult=bool(row.owner_include_adult),
    )
    return ListPage(
        info=info,
        owner=owner,
        sort=sort,
        page=page,
        entries=entries,
        poster_path=poster_path,
        backdrop_path=backdrop_path,
    )


async def update_list(conn: Conn, *, list_id: int, account_id: int, changes: ListChanges, now: float) -> None:
    """Change a list's fields (owner only); the values are checked like on creation."""
    await owned(conn, list_id=list_id, account_id=account_id)
    values: dict[str, Any] = {}
    if changes.name is not None:
        values["name"] = rules.check_name(changes.name)
    if changes.description is not None:
        values["description"] = rules.check_description(changes.description)
    if changes.public is not None:
        values["public"] = changes.public
    if changes.sort_by is not None:
        values["sort_by"] = rules.parse_sort_by(changes.sort_by).value
    if changes.iso_639_1 is not None:
        values["iso_639_1"] = rules.check_language(changes.iso_639_1)
    if changes.iso_3166_1 is not None:
        values["iso_3166_1"] = rules.check_country(changes.iso_3166_1)
    await list_rows.update_list(conn, list_id=list_id, changes=values, now=now)


async def delete_list(conn: Conn, *, list_id: int, account_id: int) -> None:
    """Delete a list and its items (owner only)."""
    await owned(conn, list_id=list_id, account_id=account_id)
    await list_rows.delete_list(conn, list_id=list_id)


def _candidates(items: Sequence[ItemInput]) -> dict[MediaKey, int]:
    """First position of each distinct usable item key (wrong media_type or id: not a candidate)."""
    firsts: dict[MediaKey, int] = {}
    for index, item in enumerate(items):
        if rules.is_item_key(item.media_type, item.media_id):
            firsts.setdefault((item.media_type, item.media_id), index)
    return firsts


def _outcomes(items: Sequence[ItemInput], firsts: dict[MediaKey, int], done: set[MediaKey]) -> list[ItemOutcome]:
    """Per-item results in request order; a repeated item succeeds at most once (its first time)."""
    return [
        ItemOutcome(
            media_type=item.media_type,
            media_id=item.media_id,
            success=(key := (item.media_type, item.media_id)) in done and firsts.get(key) == index,
        )
        for index, item in enumerate(items)
    ]


async def add_items(
    conn: Conn, *, list_id: int, account_id: int, items: Sequence[ItemInput], now: float
) -> list[ItemOutcome]:
    """Add items in request order; an unknown title or one already on the list fails alone."""
    await owned(conn, list_id=list_id, account_id=account_id)
    rules.check_item_count(len(items))
    for index, item in enumerate(items):
        rules.check_comment(item.comment, index=index)
    firsts = _candidates(items)
    found = await catalog_rows.get_titles(conn, firsts)
    rows = []
    for key, index in firsts.items():
        title = found.get(key)
        if title is None:
            continue
        rows.append(
            {
                "list_id": list_id,
                "media_type": title.media_type,
                "media_id": title.id,
                "comment": items[index].comment,
                "object_id": new_object_id(),
                "created_at": now,
                **catalog_rows.item_copy(title),
            }
        )
    inserted = await list_rows.insert_items(conn, rows)
    if inserted:
        await list_rows.adjust_totals(
            conn,
            list_id=list_id,
            count=len(inserted),
            runtime=sum(int(row.runtime) for row in inserted),
            revenue=sum(int(row.revenue) for row in inserted),
            vote_sum=sum(float(row.sort_vote) for row in inserted),
            now=now,
        )
    return _outcomes(items, firsts, {(row.media_type, row.media_id) for row in inserted})


async def update_items(
    conn: Conn, *, list_id: int, account_id: int, items: Sequence[ItemInput], now: float
) -> list[ItemOutcome]:
    """Set the comment of each item (absent comment: null); an item not on the list fails alone."""
    await owned(conn, list_id=list_id, account_id=account_id)
    rules.check_item_count(len(items))
    for index, item in enumerate(items):
        rules.check_comment(item.comment, index=index)
    keys = [(item.media_type, item.media_id) for item in items if rules.is_item_key(item.media_type, item.media_id)]
    present = await list_rows.existing_keys(conn, list_id=list_id, keys=list(dict.fromkeys(keys)))
    await list_rows.set_comments(
        conn,
        list_id=list_id,
        comments=[
            ((item.media_type, item.media_id), item.comment)
            for item in items
            if (item.media_type, item.media_id) in present
        ],
    )
    if present:
        await list_rows.update_list(conn, list_id=list_id, changes={}, now=now)
    return [
        ItemOutcome(
            media_type=item.media_type, media_id=item.media_id, success=(item.media_type, item.media_id) in present
        )
        for item in items
    ]


async def remove_items(
    conn: Conn, *, list_id: int, account_id: int, items: Sequence[ItemInput], now: float
) -> list[ItemOutcome]:
    """Remove items; one not on the list fails alone."""
    await owned(conn, list_id=list_id, account_id=account_id)
    rules.check_item_count(len(items))
    firsts = _candidates(items)
    deleted = await list_rows.delete_items(conn, list_id=list_id, keys=list(firsts))
    if deleted:
        await list_rows.adjust_totals(
            conn,
            list_id=list_id,
            count=-len(deleted),
            runtime=-sum(int(row.runtime) for row in deleted),
            revenue=-sum(int(row.revenue) for row in deleted),
            vote_sum=-sum(float(row.sort_vote) for row in deleted),
            now=now,
        )
    return _outcomes(items, firsts, {(row.media_type, row.media_id) for row in deleted})


async def clear_list(conn: Conn, *, list_id: int, account_id: int, now: float) -> int:
    """Remove every item of a list (owner only); return how many were removed."""
    await owned(conn, list_id=list_id, account_id=account_id)
    return await list_rows.clear_items(conn, list_id=list_id, now=now)


async def item_status(conn: Conn, *, list_id: int, account_id: int | None, media_type: str, media_id: int) -> None:
    """Return if the item is on a list the caller may read; 404 / 34 otherwise."""
    await readable(conn, list_id=list_id, account_id=account_id)
    if not rules.is_item_key(media_type, media_id):
        raise NotFound()
    if not await list_rows.item_on_list(conn, list_id=list_id, media_type=media_type, media_id=media_id):
        raise NotFound()


# --- the v3 view of the same lists: one movie at a time ------------------------------------------
class DuplicateEntry(FilmshelfError):
    """v3 add_item of a movie already on the list (403 / 8, as TMDB answers)."""

    code = 8


async def add_movie(conn: Conn, *, list_id: int, account_id: int, media_id: int, now: float) -> None:
    """Add one movie (v3 `add_item`); 404 / 34 if it is not in the catalog, 403 / 8 if already on the list."""
    outcome = await add_items(
        conn, list_id=list_id, account_id=account_id, items=[ItemInput("movie", media_id)], now=now
    )
    if outcome[0].success:
        return
    if await catalog_rows.get_title(conn, "movie", media_id) is None:
        raise NotFound()
    raise DuplicateEntry()


async def remove_movie(conn: Conn, *, list_id: int, account_id: int, media_id: int, now: float) -> None:
    """Remove one movie (v3 `remove_item`); removing a movie that is not on the list changes nothing."""
    await remove_items(conn, list_id=list_id, account_id=account_id, items=[ItemInput("movie", media_id)], now=now)


async def has_movie(conn: Conn, *, list_id: int, account_id: int | None, media_id: int) -> bool:
    """v3 `item_status`: is the movie on a list the caller may read (404 / 34 for an invisible list)."""
    await readable(conn, list_id=list_id, account_id=account_id)
    return await list_rows.item_on_list(conn, list_id=list_id, media_type="movie", media_id=media_id)
