#!/usr/bin/env python3
"""Validate the bundled sample catalog (stdlib only).

    python tools/catalog/build_sample.py            # validate, print a summary, exit 1 on any error
    python tools/catalog/build_sample.py --quiet    # only errors

Checks src/filmshelf/catalog/data/sample_movies.jsonl and sample_tv.jsonl:
  * one JSON object per line, exactly the documented keys, correct types;
  * ids unique, positive, and each file sorted by id;
  * genre ids drawn from TMDB's movie / TV genre tables;
  * original_language is an ISO 639-1 code, origin_country ISO 3166-1 alpha-2 shaped;
  * dates are "" or a real YYYY-MM-DD date;
  * runtime / episode_run_time / revenue are positive ints or null; adult is false;
  * overviews are a single line, non-empty, at most 200 characters, and unique;
  * at least 500 movies and 150 series, at least 25 animated films, several decades and genres;
  * the well-known ids that clients test against are present with the right titles;
  * no image or vote fields sneak in; `popularity` is the seed of seed_popularity.py (checked
    there: `python tools/catalog/seed_popularity.py --check`).
(The assembler, assemble.py, is the one-off tool that produced the files; this validator needs
nothing but the files themselves.)
"""
from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
DATA = REPO / "src" / "filmshelf" / "catalog" / "data"

MOVIE_GENRES = {
    28: "Action", 12: "Adventure", 16: "Animation", 35: "Comedy", 80: "Crime", 99: "Documentary",
    18: "Drama", 10751: "Family", 14: "Fantasy", 36: "History", 27: "Horror", 10402: "Music",
    9648: "Mystery", 10749: "Romance", 878: "Science Fiction", 10770: "TV Movie", 53: "Thriller",
    10752: "War", 37: "Western",
}
TV_GENRES = {
    10759: "Action & Adventure", 16: "Animation", 35: "Comedy", 80: "Crime", 99: "Documentary",
    18: "Drama", 10751: "Family", 10762: "Kids", 9648: "Mystery", 10763: "News", 10764: "Reality",
    10765: "Sci-Fi & Fantasy", 10766: "Soap", 10767: "Talk", 10768: "War & Politics", 37: "Western",
}

# ISO 639-1 (all 183 two-letter codes)
ISO_639_1 = set("""
aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv
dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie
ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv
mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm
rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts
tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu
""".split())

MOVIE_KEYS = ["id", "title", "original_title", "original_language", "release_date", "genre_ids",
              "runtime", "revenue", "overview", "adult", "popularity"]
TV_KEYS = ["id", "name", "original_name", "original_language", "first_air_date", "genre_ids",
           "origin_country", "episode_run_time", "overview", "adult", "popularity"]

# Ids client test-suites commonly hard-code; they must be present and correct.
FAMOUS_MOVIES = {
    550: "Fight Club", 13: "Forrest Gump", 680: "Pulp Fiction", 155: "The Dark Knight",
    27205: "Inception", 603: "The Matrix", 278: "The Shawshank Redemption", 238: "The Godfather",
}
FAMOUS_TV = {1399: "Game of Thrones", 1396: "Breaking Bad", 1668: "Friends"}

MIN_MOVIES, MIN_TV, MIN_ANIMATED = 500, 150, 25
MAX_OVERVIEW = 200


class Report:
    def __init__(self):
        self.errors: list[str] = []

    def err(self, where: str, msg: str):
        self.errors.append(f"{where}: {msg}")


def is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def check_date(rep, where, key, value):
    if not isinstance(value, str):
        rep.err(where, f"{key} must be a string")
        return None
    if value == "":
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        rep.err(where, f"{key} {value!r} is not YYYY-MM-DD")
        return None
    try:
        d = dt.date.fromisoformat(value)
    except ValueError:
        rep.err(where, f"{key} {value!r} is not a real date")
        return None
    if not (1870 <= d.year <= dt.date.today().year + 1):
        rep.err(where, f"{key} {value!r} is out of range")
    return d


def check_common(rep, where, rec, title_key, otitle_key, genres):
    if not is_int(rec["id"]) or rec["id"] <= 0:
        rep.err(where, "id must be a positive int")
    for k in (title_key, otitle_key):
        if not isinstance(rec[k], str) or not rec[k].strip() or rec[k] != rec[k].strip():
            rep.err(where, f"{k} must be a non-empty, trimmed string")
    lang = rec["original_language"]
    if not isinstance(lang, str) or lang not in ISO_639_1:
        rep.err(where, f"original_language {lang!r} is not an ISO 639-1 code")
    g = rec["genre_ids"]
    if not isinstance(g, list) or not g or not all(is_int(x) for x in g):
        rep.err(where, "genre_ids must be a non-empty list of ints")
    else:
        bad = [x for x in g if x not in genres]
        if bad:
            rep.err(where, f"genre ids {bad} are not in the TMDB table")
        if len(set(g)) != len(g):
            rep.err(where, "duplicate genre ids")
    ov = rec["overview"]
    if not isinstance(ov, str) or not ov.strip():
        rep.err(where, "overview must be a non-empty string")
    else:
        if "\n" in ov or "\r" in ov or "\u2028" in ov or "\u2029" in ov:
            rep.err(where, "overview must be one line")
        if len(ov) > MAX_OVERVIEW:
            rep.err(where, f"overview is {len(ov)} chars (> {MAX_OVERVIEW})")
        if ov != ov.strip():
            rep.err(where, "overview has leading/trailing whitespace")
    if rec["adult"] is not False:
        rep.err(where, "adult must be false")


def load(rep, path: Path, keys: list[str]):
    records = []
    if not path.exists():
        rep.err(str(path), "missing")
        return records
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        rep.err(path.name, "must be plain JSON lines, not gzip")
        return records
    text = raw.decode("utf-8")
    if text and not text.endswith("\n"):
        rep.err(path.name, "file must end with a newline")
    for n, line in enumerate(text.split("\n")[:-1] if text.endswith("\n") else text.split("\n"), 1):
        where = f"{path.name}:{n}"
        if not line.strip():
            rep.err(where, "blank line")
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            rep.err(where, f"invalid JSON ({e})")
            continue
        if not isinstance(rec, dict):
            rep.err(where, "not a JSON object")
            continue
        if list(rec.keys()) != keys:
            missing = [k for k in keys if k not in rec]
            extra = [k for k in rec if k not in keys]
            if missing or extra:
                rep.err(where, f"keys differ: missing {missing}, unexpected {extra}")
                continue
            rep.err(where, "keys are not in the documented order")
        records.append((where, rec))
    return records


def check_ids(rep, name, records):
    ids = [r["id"] for _, r in records if is_int(r.get("id"))]
    dup = [i for i, c in collections.Counter(ids).items() if c > 1]
    if dup:
        rep.err(name, f"duplicate ids {sorted(dup)[:20]}")
    if ids != sorted(ids):
        rep.err(name, "records are not sorted by id")


def validate(data_dir: Path, quiet: bool = False) -> int:
    rep = Report()
    movies = load(rep, data_dir / "sample_movies.jsonl", MOVIE_KEYS)
    tv = load(rep, data_dir / "sample_tv.jsonl", TV_KEYS)

    for where, m in movies:
        check_common(rep, where, m, "title", "original_title", MOVIE_GENRES)
        check_date(rep, where, "release_date", m["release_date"])
        for k in ("runtime", "revenue"):
            v = m[k]
            if v is not None and (not is_int(v) or v <= 0):
                rep.err(where, f"{k} must be a positive int or null")
        if is_int(m["runtime"]) and m["runtime"] > 600:
            rep.err(where, f"runtime {m['runtime']} looks wrong")
    for where, t in tv:
        check_common(rep, where, t, "name", "original_name", TV_GENRES)
        check_date(rep, where, "first_air_date", t["first_air_date"])
        oc = t["origin_country"]
        if not isinstance(oc, list) or not all(isinstance(c, str) and re.fullmatch(r"[A-Z]{2}", c) for c in oc):
            rep.err(where, "origin_country must be a list of ISO 3166-1 alpha-2 codes")
        v = t["episode_run_time"]
        if v is not None and (not is_int(v) or not 0 < v <= 300):
            rep.err(where, "episode_run_time must be a positive int (minutes) or null")

    check_ids(rep, "sample_movies.jsonl", movies)
    check_ids(rep, "sample_tv.jsonl", tv)

    all_ov = [r["overview"] for _, r in movies + tv if isinstance(r.get("overview"), str)]
    dup_ov = [o for o, c in collections.Counter(all_ov).items() if c > 1]
    if dup_ov:
        rep.err("overviews", f"{len(dup_ov)} overviews are used more than once, e.g. {dup_ov[0]!r}")

    by_id_m = {r["id"]: r for _, r in movies}
    by_id_t = {r["id"]: r for _, r in tv}
    for i, title in FAMOUS_MOVIES.items():
        got = by_id_m.get(i, {}).get("title")
        if got != title:
            rep.err("famous ids", f"movie {i} should be {title!r}, got {got!r}")
    for i, name in FAMOUS_TV.items():
        got = by_id_t.get(i, {}).get("name")
        if got != name:
            rep.err("famous ids", f"tv {i} should be {name!r}, got {got!r}")

    if len(movies) < MIN_MOVIES:
        rep.err("counts", f"{len(movies)} movies (< {MIN_MOVIES})")
    if len(tv) < MIN_TV:
        rep.err("counts", f"{len(tv)} tv series (< {MIN_TV})")
    animated = sum(16 in r["genre_ids"] for _, r in movies if isinstance(r.get("genre_ids"), list))
    if animated < MIN_ANIMATED:
        rep.err("counts", f"{animated} animated movies (< {MIN_ANIMATED})")
    decades = collections.Counter(r["release_date"][:3] + "0s" for _, r in movies if r.get("release_date"))
    if len(decades) < 6:
        rep.err("spread", f"movies cover only {len(decades)} decades")
    mg = collections.Counter(g for _, r in movies for g in r.get("genre_ids") or [])
    missing_g = [MOVIE_GENRES[g] for g in MOVIE_GENRES if g != 10770 and mg[g] < 5]
    if missing_g:
        rep.err("spread", f"fewer than 5 movies in genres {missing_g}")

    for e in rep.errors:
        print("ERROR", e)
    if not quiet:
        tg = collections.Counter(g for _, r in tv for g in r.get("genre_ids") or [])
        print(f"movies: {len(movies)}  tv: {len(tv)}  animated movies: {animated}")
        print("movie decades:", ", ".join(f"{d} {n}" for d, n in sorted(decades.items())))
        print("movie genres:", ", ".join(f"{MOVIE_GENRES[g]} {n}" for g, n in sorted(mg.items(), key=lambda x: -x[1])))
        print("tv genres:", ", ".join(f"{TV_GENRES[g]} {n}" for g, n in sorted(tg.items(), key=lambda x: -x[1])))
        langs = collections.Counter(r["original_language"] for _, r in movies + tv)
        print("languages:", ", ".join(f"{k} {v}" for k, v in langs.most_common()))
        print("OK" if not rep.errors else f"FAILED: {len(rep.errors)} error(s)")
    return 1 if rep.errors else 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", default=str(DATA), help="folder holding the two .jsonl files")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)
    return validate(Path(a.data_dir), a.quiet)


if __name__ == "__main__":
    sys.exit(main())
