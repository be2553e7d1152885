"""TMDB's own shapes: a v4 list (GET /4/list/{id}) and the v4 account pages of favorites,
watchlist and rated titles (GET /4/account/{account_object_id}/{movie|tv}/{favorites|watchlist|rated}).

A list file is one list object whose `results` hold every item (filmshelf's export), or a JSON
array of the pages of one list as the API answered them. `comments` ("movie:11" -> text) become
item comments. An account page's kind comes from its file name (favorites, watchlist, rated) or,
failing that, from `account_rating` in its results. Catalog figures that move with activity
(popularity, vote_average, vote_count, average_rating) are not exported: an export is a function of
the user's data and the catalog's facts.
"""

from __future__ import annotations

from typing import Any

from filmshelf import wire
from filmshelf.transfer import scales
from filmshelf.transfer.model import Bundle, Entry, ExportList, Item, ParseError, Rendered, TitleRef, UserData, at
from filmshelf.transfer.text import bounded, json_text, moment_of, slug, year_of
from filmshelf.transfer.trakt import element_lines

LIST_KEYS = ("created_by", "item_count", "sort_by")


def is_list(value: Any) -> bool:
    """A v4 list object (or an array of its pages)."""
    if isinstance(value, list):
        return bool(value) and all(isinstance(page, dict) and is_list(page) for page in value)
    return isinstance(value, dict) and isinstance(value.get("results"), list) and any(k in value for k in LIST_KEYS)


def is_account_page(value: Any) -> bool:
    """A v4 account page of titles."""
    return isinstance(value, dict) and isinstance(value.get("results"), list) and "page" in value


def _result_lines(text: str) -> list[int]:
    """Lines of the objects inside `results` arrays, in order (an approximation good for reports)."""
    lines = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("{") and number > 1:
            lines.append(number)
    return lines


def _ref(where: str, result: Any) -> TitleRef:
    if not isinstance(result, dict):
        raise ParseError(where, "each result must be a JSON object")
    media_id = result.get("id")
    if isinstance(media_id, bool) or not isinstance(media_id, int) or not 0 < media_id < 2**31:
        raise ParseError(where, "a result needs a positive integer id")
    media_type = result.get("media_type")
    if media_type is None:
        media_type = "tv" if "name" in result and "title" not in result else "movie"
    if media_type not in ("movie", "tv"):
        raise ParseError(where, f"media_type {str(media_type)[:20]!r} is neither movie nor tv")
    name = result.get("title" if media_type == "movie" else "name") or ""
    date = result.get("release_date" if media_type == "movie" else "first_air_date") or ""
    if not isinstance(name, str) or not isinstance(date, str):
        raise ParseError(where, "title / name and release dates must be text")
    year = date[:4] if len(date) >= 4 and date[:4].isdigit() else ""
    return TitleRef(
        where=where,
        name=bounded(where, name, "title"),
        year=year_of(where, year),
        media_type=media_type,
        tmdb_id=media_id,
    )


def read_list(name: str, text: str, value: Any, bundle: Bundle) -> None:
    """A v4 list (one object, or an array of its pages)."""
    pages = value if isinstance(value, list) else [value]
    first = pages[0]
    where = at(name, 1)
    list_name, description, public = first.get("name"), first.get("description", ""), first.get("public")
    if not isinstance(list_name, str):
        raise ParseError(where, "the list needs a name")
    if not isinstance(description, str):
        raise ParseError(where, "description must be text")
    if public is not None and not isinstance(public, bool):
        raise ParseError(where, "public must be true or false")
    lines = _result_lines(text)
    entries: list[Entry] = []
    for page in pages:
        comments = page.get("comments") or {}
        if not isinstance(comments, dict):
            raise ParseError(where, "comments must be an object")
        for result in page["results"]:
            result_where = at(name, lines[len(entries)] if len(entries) < len(lines) else 1)
            ref = _ref(result_where, result)
            comment = comments.get(f"{ref.media_type}:{ref.tmdb_id}")
            if comment is not None and not isinstance(comment, str):
                raise ParseError(result_where, "a comment must be text or null")
            entries.append(Entry(ref=ref, comment=bounded(result_where, comment, "comment") if comment else None))
    total = first.get("total_results", first.get("item_count"))
    if isinstance(total, int) and total > len(entries):
        bundle.notes.append(f"{name}: holds {len(entries)} of the list's {total} items; only those are imported")
    bundle.add_to_list(
        bounded(where, list_name, "name", required=True),
        where,
        entries,
        description=bounded(where, description, "description"),
        public=public,
    )


def read_account_page(name: str, text: str, value: dict[str, Any], bundle: Bundle) -> None:
    """A page of favorites, watchlist or rated titles."""
    base = name.rsplit("/", 1)[-1].lower()
    results = value["results"]
    if "favorite" in base:
        kind = "favorites"
    elif "watchlist" in base:
        kind = "watchlist"
    elif "rated" in base or "rating" in base or any(isinstance(r, dict) and "account_rating" in r for r in results):
        kind = "ratings"
    else:
        raise ParseError(at(name, 1), "name the file after its page: favorites, watchlist or rated")
    lines = element_lines(text[text.find("[", text.find('"results"')) :]) if '"results"' in text else []
    offset = text[: text.find("[", text.find('"results"'))].count("\n") if '"results"' in text else 0
    target = {"favorites": bundle.favorites, "watchlist": bundle.watchlist, "ratings": bundle.ratings}[kind]
    for index, result in enumerate(results):
        where = at(name, (lines[index] + offset) if index < len(lines) else 1)
        ref = _ref(where, result)
        rating, when = None, None
        if kind == "ratings":
            account_rating = result.get("account_rating")
            raw = account_rating.get("value") if isinstance(account_rating, dict) else result.get("rating")
            if isinstance(raw, bool) or not isinstance(raw, int | float):
                raise ParseError(where, "a rated title needs account_rating.value")
            try:
                rating = scales.from_tmdb(raw)
            except ValueError as exc:
                raise ParseError(where, str(exc)) from exc
            if isinstance(account_rating, dict):
                when = moment_of(where, account_rating.get("created_at"))
        target.append(Entry(ref=ref, at=when, rating=rating))


# --- export ----------------------------------------------------------------------------------------
def _result(item: Item) -> dict[str, Any]:
    title = item.title
    common = {
        "adult": title.adult,
        "backdrop_path": title.backdrop_path,
        "genre_ids": list(title.genre_ids),
        "id": title.id,
        "media_type": title.media_type,
        "original_language": title.original_language,
        "overview": title.overview,
        "poster_path": title.poster_path,
    }
    if title.media_type == "movie":
        return {**common, "original_title": title.original_title, "release_date": title.release_date or "",
                "title": title.title, "video": title.video}  # fmt: skip
    return {**common, "first_air_date": title.release_date or "", "name": title.title,
            "origin_country": list(title.origin_country), "original_name": title.original_title}  # fmt: skip


def _list(found: ExportList, data: UserData) -> dict[str, Any]:
    items = found.items
    first = items[0].title if items else None
    return {
        "backdrop_path": first.backdrop_path if first else None,
        "comments": {f"{i.title.media_type}:{i.title.id}": i.comment for i in items},
        # No account object id: it differs between servers, and an export should not.
        "created_by": {"username": data.username},
        "description": found.description,
        "id": found.id,
        "iso_3166_1": found.iso_3166_1,
        "iso_639_1": found.iso_639_1,
        "item_count": len(items),
        "name": found.name,
        "page": 1,
        "poster_path": first.poster_path if first else None,
        "public": found.public,
        "results": [_result(item) for item in items],
        "revenue": sum(i.title.revenue or 0 for i in items if i.title.media_type == "movie"),
        "runtime": sum(i.title.runtime or 0 for i in items if i.title.media_type == "movie"),
        "sort_by": found.sort_by,
        "total_pages": 1,
        "total_results": len(items),
    }


def _page(items: list[Item], *, rated: bool) -> dict[str, Any]:
    ordered = sorted(items, key=lambda item: (wire.iso_millis(item.at), item.title.id))
    results = []
    for item in ordered:
        result = _result(item)
        if rated:
            result["account_rating"] = {"created_at": wire.iso_millis(item.at), "value": item.rating}
        results.append(result)
    return {"page": 1, "results": results, "total_pages": 1, "total_results": len(results)}


def render(data: UserData) -> Rendered:
    """lists/<id>-<slug>.json (v4 list objects, every item on one page) and the six account pages."""
    out = Rendered()
    for kind in ("movie", "tv"):
        for what, items in (("favorites", data.favorites), ("watchlist", data.watchlist), ("rated", data.ratings)):
            chosen = [item for item in items if item.title.media_type == kind]
            out.files[f"{kind}-{what}.json"] = json_text(_page(chosen, rated=what == "rated"))
    for found in data.lists:
        out.files[f"lists/{found.id}-{slug(found.name)}.json"] = json_text(_list(found, data))
    return out
