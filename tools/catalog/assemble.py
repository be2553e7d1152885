#!/usr/bin/env python3
"""One-off assembler for the bundled sample catalog.

Reads the curated lists in this folder (curated_movies.psv, curated_tv.psv), cross-checks
every TMDB id against local copies of reference data, fills in factual fields, and writes
src/filmshelf/catalog/data/sample_movies.jsonl and sample_tv.jsonl (sorted by id).

The reference files are NOT part of the repository; they were only used once to verify ids
and facts (see src/filmshelf/catalog/data/SOURCES.md). Point the options at local copies:

  --t5k          tmdb_5000_movies.csv (TMDB 5000 Movie Dataset, TMDB API snapshot, 2017)
  --ml-links     MovieLens ml-25m links.csv   (movieId -> imdbId/tmdbId)
  --ml-movies    MovieLens ml-25m movies.csv  (movieId -> "Title (Year)")
  --cinematch    cinematch wheel: app/data/starter_catalog.json
  --flickpick    flickpick wheel: flickpick/data/examples/movie_ratings_various.csv
  --movie-details  JSON list of TMDB /movie/{id} payloads (100 titles, TMDB API 2019; taken from
                 the seed data of the public seenit-server project), reduced to factual fields
  --tv-details   JSON list of TMDB /tv/{id} payloads (100 series, TMDB API 2019; same project)
  --tv-networks  tv-networks.json (dakoop/tmdb-tv-shows, TMDB API 2026): tv id -> networks

Only facts are taken from the references (ids, titles, original titles/languages, dates,
genre ids, runtimes, revenue). Overviews always come from the curated files, which hold
original one-line premises written for filmshelf.

Exit status is non-zero if any curated id fails a cross-check.
"""
from __future__ import annotations

import argparse
import collections
import csv
import json
import re
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
DATA = REPO / "src" / "filmshelf" / "catalog" / "data"

csv.field_size_limit(10**9)

# Ids confirmed with the search tool (TMDB API payloads / fixtures found in public code) for
# titles newer than the offline references. Filled in by hand; see SOURCES.md.
SEARCH_CONFIRMED_MOVIES: dict[int, str] = {
    872585: "Oppenheimer (2023): several TMDB list payloads, genre_ids [18, 36], 2023-07-19",
    346698: "Barbie (2023): TMDB now_playing payloads, genre_ids [35, 12, 14], 2023-07-19",
    545611: "Everything Everywhere All at Once (2022): TMDB payloads, 2022-03-24, runtime 139",
    361743: "Top Gun: Maverick (2022): TMDB payloads, genre_ids [28, 18], 2022-05-24",
    414906: "The Batman (2022): TMDB payloads, genre_ids [80, 9648, 53], 2022-03-01",
    693134: "Dune: Part Two (2024): TMDB payloads, 2024-02-27",
    299534: "Avengers: Endgame (2019): TMDB payloads, genre_ids [12, 878, 28]",
    577922: "Tenet (2020): TMDB payloads, genre_ids [28, 53, 878], 2020-08-22",
    76600: "Avatar: The Way of Water (2022): TMDB payloads, genre_ids [878, 12, 28], 2022-12-14",
    568124: "Encanto (2021): TMDB payloads, genre_ids [16, 35, 10751, 14]",
    508947: "Turning Red (2022): TMDB payloads, genre_ids [16, 10751, 35, 14]",
    1022789: "Inside Out 2 (2024): TMDB payloads, 2024-06-11",
    508883: "The Boy and the Heron (2023): TMDB payloads, original title 君たちはどう生きるか",
    313369: "La La Land (2016): TMDB payloads, genre_ids [35, 18, 10749, 10402]",
    475557: "Joker (2019): TMDB payloads, genre_ids [80, 18, 53]",
}
SEARCH_CONFIRMED_TV: dict[int, str] = {
    85271: "WandaVision (2021): TMDB trending payload, genre_ids [10765, 9648, 35, 18], 2021-01-15",
}

# Older MovieLens titles for ids whose TMDB title changed later (the id is the same film).
MOVIELENS_ALIASES: dict[int, str] = {
    299534: "Avengers: Infinity War - Part II",  # announced title of Avengers: Endgame
}


def norm(s: str) -> str:
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower()
    s = s.replace("&", " and ")
    s = re.sub(r"[^a-z0-9]+", " ", s).strip()
    s = re.sub(r"^(the|a|an) ", "", s)
    return s


_ARTICLE = r"(The|A|An|Les|La|Le|Il|El|Die|Das|Der|L')"


def ml_title_variants(t: str) -> set[str]:
    """MovieLens writes 'Matrix, The' and adds alternative titles in parentheses."""
    out = {t}
    m = re.match(r"^(.*?) \((?:a\.k\.a\. )?(.*)\)$", t)
    if m:
        out |= ml_title_variants(m.group(1))
        out |= ml_title_variants(m.group(2))
    for v in list(out):
        m = re.match(r"^(.*), ?" + _ARTICLE + r"$", v)
        if m:
            out.add(f"{m.group(2)} {m.group(1)}")
    return out


def titles_match(a: str, b: str) -> bool:
    na, nb = norm(a), norm(b)
    if not na or not nb:
        return False
    if na.replace(" ", "") == nb.replace(" ", ""):  # "Old Boy" / "Oldboy", "Chain Saw" / "Chainsaw"
        return True
    if na == nb or na.startswith(nb + " ") or nb.startswith(na + " "):
        return True
    # "Star Wars: Episode V - The Empire Strikes Back" vs "The Empire Strikes Back"
    short, long_ = sorted((na, nb), key=len)
    if len(short) >= 8 and long_.endswith(" " + short):
        return True
    # ignore articles/prepositions: "Tale of Princess Kaguya" vs "The Tale of the Princess Kaguya"
    stop = {"the", "a", "an", "of", "and"}
    return [w for w in na.split() if w not in stop] == [w for w in nb.split() if w not in stop]


# ---------------------------------------------------------------- curated input

def read_psv(path: Path) -> list[list[str]]:
    rows = []
    for ln, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("|")
        rows.append([str(ln)] + parts)
    return rows


def ints(s: str) -> list[int]:
    return [int(x) for x in s.split(",") if x.strip()]


def opt_int(s: str):
    s = s.strip()
    return int(s) if s else None


# ---------------------------------------------------------------- references

def load_t5k(path):
    if not path:
        return {}
    out = {}
    with open(path, encoding="utf-8") as f:
        for x in csv.DictReader(f):
            out[int(x["id"])] = x
    return out


def load_ml(links, movies):
    if not (links and movies):
        return {}
    titles = {}
    with open(movies, encoding="utf-8") as f:
        for x in csv.DictReader(f):
            titles[x["movieId"]] = x["title"].replace(";", ",")
    out = {}
    with open(links, encoding="utf-8") as f:
        for x in csv.DictReader(f):
            if not x["tmdbId"]:
                continue
            t = titles.get(x["movieId"], "").strip()
            m = re.match(r"^(.*) \((\d{4})\)\s*$", t)
            title, year = (m.group(1), int(m.group(2))) if m else (t, None)
            out.setdefault(int(x["tmdbId"]), []).append((title, year))
    return out


def load_cinematch(path):
    if not path:
        return {}
    return {(x["media_type"], int(x["tmdb_id"])): x for x in json.load(open(path, encoding="utf-8"))}


def load_flickpick(path):
    if not path:
        return {}
    out = {}
    with open(path, encoding="utf-8") as f:
        for x in csv.DictReader(f):
            t = x["title"]
            m = re.match(r"^(.*) \((\d{4})\)\s*$", t)
            out[int(x["tmdb_id"])] = (m.group(1), int(m.group(2))) if m else (t, None)
    return out


def load_details(path):
    """A JSON list of TMDB detail payloads (only factual fields are read)."""
    if not path:
        return {}
    return {int(x["id"]): x for x in json.load(open(path, encoding="utf-8"))}


def load_tv_networks(path):
    if not path:
        return {}
    out = collections.defaultdict(list)
    for x in json.load(open(path, encoding="utf-8")):
        out[int(x["id"])].append(x["network_name"])
    return out


# ---------------------------------------------------------------- assembly

def year_of(date: str):
    return int(date[:4]) if date[:4].isdigit() else None


def build_movies(rows, t5k, mdet, ml, cin, fp, problems, prov):
    out = {}
    for row in rows:
        ln, rest = row[0], row[1:]
        if len(rest) not in (4, 10):
            problems.append(f"movies line {ln}: expected 4 or 10 fields, got {len(rest)}")
            continue
        mid, title, year, overview = int(rest[0]), rest[1], int(rest[2]), rest[3].strip()
        sources = []
        if len(rest) == 4:
            ref = t5k.get(mid)
            if ref is not None:
                rt = int(float(ref["runtime"])) if ref["runtime"] not in ("", None) else 0
                rv = int(ref["revenue"]) if ref["revenue"] else 0
                facts = dict(
                    title=ref["title"], original_title=ref["original_title"],
                    original_language=ref["original_language"], release_date=ref["release_date"] or "",
                    genre_ids=[g["id"] for g in json.loads(ref["genres"])], runtime=rt, revenue=rv,
                )
                src = "tmdb5000"
            elif mid in mdet:
                d = mdet[mid]
                facts = dict(
                    title=d["title"], original_title=d["original_title"],
                    original_language=d["original_language"], release_date=d["release_date"] or "",
                    genre_ids=list(d["genre_ids"]), runtime=d.get("runtime") or 0, revenue=d.get("revenue") or 0,
                )
                src = "movie-details"
            else:
                problems.append(f"movie {mid} {title!r}: short form but id not in a fact reference")
                continue
            if not (titles_match(title, facts["title"]) or titles_match(title, facts["original_title"])):
                problems.append(f"movie {mid}: curated title {title!r} != reference {facts['title']!r}")
                continue
            ry = year_of(facts["release_date"])
            if ry is not None and abs(ry - year) > 0:
                problems.append(f"movie {mid} {title!r}: curated year {year} != reference {ry}")
                continue
            rec = {
                "id": mid,
                "title": facts["title"],
                "original_title": facts["original_title"],
                "original_language": facts["original_language"],
                "release_date": facts["release_date"],
                "genre_ids": facts["genre_ids"],
                "runtime": facts["runtime"] or None,
                "revenue": facts["revenue"] or None,
                "overview": overview,
                "adult": False,
            }
            sources.append(src)
            if src == "tmdb5000" and mid in mdet:
                sources.append("movie-details")
        else:
            otitle, lang, date, genres, runtime, revenue = rest[4:10]
            rec = {
                "id": mid,
                "title": title,
                "original_title": otitle or title,
                "original_language": lang,
                "release_date": date,
                "genre_ids": ints(genres),
                "runtime": opt_int(runtime),
                "revenue": opt_int(revenue),
                "overview": overview,
                "adult": False,
            }
            if date and year_of(date) != year:
                problems.append(f"movie {mid} {title!r}: date {date} does not match year {year}")
            ref = t5k.get(mid)
            if ref is not None:
                if not titles_match(title, ref["title"]) and not titles_match(otitle, ref["original_title"]):
                    problems.append(f"movie {mid}: curated title {title!r} != reference {ref['title']!r}")
                    continue
                sources.append("tmdb5000")
        # MovieLens links (independent id mapping)
        if mid in ml:
            ok = False
            for mlt, mly in ml[mid]:
                if MOVIELENS_ALIASES.get(mid) == mlt:
                    mlt = title
                variants = ml_title_variants(mlt)
                # MovieLens years follow wide release, TMDB often the festival premiere: allow 2 years
                if any(titles_match(v, title) or titles_match(v, rec["original_title"]) for v in variants) and (
                    mly is None or abs(mly - year) <= 2
                ):
                    ok = True
            if ok:
                sources.append("movielens")
            else:
                problems.append(f"movie {mid} {title!r} ({year}): MovieLens maps this id to {ml[mid]}")
                continue
        c = cin.get(("movie", mid))
        if c is not None:
            if titles_match(c["title"], title) and abs(int(c["release_year"]) - year) <= 1:
                sources.append("cinematch")
            else:
                problems.append(f"movie {mid} {title!r}: cinematch has {c['title']!r} ({c['release_year']})")
                continue
        f = fp.get(mid)
        if f is not None:
            if titles_match(f[0], title) or any(titles_match(v, title) for v in ml_title_variants(f[0])):
                sources.append("flickpick")
            else:
                problems.append(f"movie {mid} {title!r}: flickpick has {f}")
                continue
        if mid in SEARCH_CONFIRMED_MOVIES:
            sources.append("search")
        if not sources:
            problems.append(f"movie {mid} {title!r}: no reference confirms this id")
            continue
        if mid in out:
            problems.append(f"movie {mid}: duplicate id ({title!r} and {out[mid]['title']!r})")
            continue
        out[mid] = rec
        prov.append(("movie", mid, rec["title"], year, ",".join(sources)))
    return out


TV_GENRES = {10759, 16, 35, 80, 99, 18, 10751, 10762, 9648, 10763, 10764, 10765, 10766, 10767, 10768, 37}
# Some older TMDB tv payloads carry movie genre ids; map them onto the TV genre list.
MOVIE_TO_TV_GENRE = {28: 10759, 12: 10759, 878: 10765, 14: 10765, 10752: 10768}


def tv_genres(ids):
    out = []
    for g in ids:
        g = MOVIE_TO_TV_GENRE.get(g, g)
        if g in TV_GENRES and g not in out:
            out.append(g)
    return out


def build_tv(rows, details, networks, cin, problems, prov):
    out = {}
    for row in rows:
        ln, rest = row[0], row[1:]
        if len(rest) not in (4, 11):
            problems.append(f"tv line {ln}: expected 4 or 11 fields, got {len(rest)}")
            continue
        tid, name, year, overview = int(rest[0]), rest[1], int(rest[2]), rest[3].strip()
        sources = []
        ref = details.get(tid)
        if len(rest) == 4:
            if ref is None:
                problems.append(f"tv {tid} {name!r}: short form but id not in the tv-details reference")
                continue
            rt = ref.get("episode_run_time") or []
            rec = {
                "id": tid,
                "name": ref["name"],
                "original_name": ref["original_name"],
                "original_language": ref["original_language"],
                "first_air_date": ref["first_air_date"] or "",
                "genre_ids": tv_genres(ref["genre_ids"]),
                "origin_country": list(ref["origin_country"]),
                "episode_run_time": rt[0] if rt else None,
                "overview": overview,
                "adult": False,
            }
        else:
            oname, lang, date, genres, countries, runtime, network = rest[4:11]
            rec = {
                "id": tid,
                "name": name,
                "original_name": oname or name,
                "original_language": lang,
                "first_air_date": date,
                "genre_ids": ints(genres),
                "origin_country": [c for c in countries.split(",") if c],
                "episode_run_time": opt_int(runtime),
                "overview": overview,
                "adult": False,
            }
            if date and year_of(date) != year:
                problems.append(f"tv {tid} {name!r}: date {date} does not match year {year}")
        if ref is not None:
            if not (titles_match(name, ref["name"]) or titles_match(name, ref["original_name"] or "")):
                problems.append(f"tv {tid}: curated name {name!r} != reference {ref['name']!r}")
                continue
            ry = year_of(ref["first_air_date"] or "")
            if ry is not None and ry != year:
                problems.append(f"tv {tid} {name!r}: curated year {year} != reference {ry}")
                continue
            sources.append("tv-details")
        network = rest[10] if len(rest) == 11 else ""
        if network:
            have = networks.get(tid)
            if have is None:
                problems.append(f"tv {tid} {name!r}: id not in the tv-networks reference")
                continue
            if not any(norm(n) == norm(h) for n in network.split("/") for h in have):
                problems.append(f"tv {tid} {name!r}: expected network {network!r}, reference has {have}")
                continue
            sources.append("tv-networks")
        c = cin.get(("tv", tid))
        if c is not None:
            if titles_match(c["title"], name) and abs(int(c["release_year"]) - year) <= 1:
                sources.append("cinematch")
            else:
                problems.append(f"tv {tid} {name!r}: cinematch has {c['title']!r} ({c['release_year']})")
                continue
        if tid in SEARCH_CONFIRMED_TV:
            sources.append("search")
        if not sources:
            problems.append(f"tv {tid} {name!r}: no reference confirms this id")
            continue
        if not rec["genre_ids"]:
            problems.append(f"tv {tid} {name!r}: no usable genre ids")
            continue
        if tid in out:
            problems.append(f"tv {tid}: duplicate id")
            continue
        out[tid] = rec
        prov.append(("tv", tid, rec["name"], year, ",".join(sources)))
    return out


def write_jsonl(path: Path, records: dict):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for key in sorted(records):
            f.write(json.dumps(records[key], ensure_ascii=False) + "\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for opt in ("t5k", "ml-links", "ml-movies", "cinematch", "flickpick", "movie-details", "tv-details", "tv-networks"):
        ap.add_argument("--" + opt)
    ap.add_argument("--dry-run", action="store_true", help="check only, write nothing")
    ap.add_argument("--provenance", default=str(HERE / "crosscheck.tsv"))
    a = ap.parse_args(argv)

    t5k = load_t5k(a.t5k)
    ml = load_ml(a.ml_links, a.ml_movies)
    cin = load_cinematch(a.cinematch)
    fp = load_flickpick(a.flickpick)
    det = load_details(a.tv_details)
    mdet = load_details(a.movie_details)
    net = load_tv_networks(a.tv_networks)

    problems: list[str] = []
    prov: list[tuple] = []
    movies = build_movies(read_psv(HERE / "curated_movies.psv"), t5k, mdet, ml, cin, fp, problems, prov)
    tv = build_tv(read_psv(HERE / "curated_tv.psv"), det, net, cin, problems, prov)

    for p in problems:
        print("PROBLEM:", p)
    counts = collections.Counter()
    for kind, _id, _t, _y, src in prov:
        for s in src.split(","):
            counts[(kind, s)] += 1
    print(f"movies: {len(movies)}  tv: {len(tv)}  problems: {len(problems)}")
    for (kind, s), n in sorted(counts.items()):
        print(f"  {kind:5s} confirmed by {s:12s} {n}")
    if not a.dry_run:
        DATA.mkdir(parents=True, exist_ok=True)
        write_jsonl(DATA / "sample_movies.jsonl", movies)
        write_jsonl(DATA / "sample_tv.jsonl", tv)
        with open(a.provenance, "w", encoding="utf-8", newline="\n") as f:
            f.write("kind\tid\ttitle\tyear\tconfirmed_by\n")
            for row in sorted(prov, key=lambda r: (r[0], r[1])):
                f.write("\t".join(str(v) for v in row) + "\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
