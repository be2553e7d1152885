#!/usr/bin/env python3
"""Time `catalog.importer.import_files` in process on a fresh migrated database (SQLite by default).

    .venv/bin/python bench/gen_export.py /tmp/fs-import/1m.json.gz --lines 1000000
    .venv/bin/python bench/import_inproc.py /tmp/fs-import/1m.json.gz [--profile]

Prints the counts, wall time, lines/s and the process's CPU time; `--profile` adds pyinstrument's
tree. The database is `sqlite:///<export's folder>/import-bench.sqlite3`, replaced on each run.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

from filmshelf.catalog import importer
from filmshelf.storage.engine import open_database
from filmshelf.storage.migrate import upgrade


async def run(url: str, path: Path) -> None:
    db = open_database(url)
    try:
        started, cpu = time.perf_counter(), time.process_time()
        counts = await importer.import_files(db, [path])
        took, cpu_took = time.perf_counter() - started, time.process_time() - cpu
    finally:
        await db.dispose()
    print(f"{counts.summary()}: {took:.1f} s, {counts.lines / took:,.0f} lines/s, CPU {cpu_took:.1f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("export", type=Path, help="an export written by bench/gen_export.py")
    parser.add_argument("--profile", action="store_true", help="print pyinstrument's tree too")
    args = parser.parse_args()
    database = args.export.parent / "import-bench.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{database}"
    upgrade(url)
    if not args.profile:
        asyncio.run(run(url, args.export))
        return 0
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.002)
    profiler.start()
    asyncio.run(run(url, args.export))
    profiler.stop()
    print(profiler.output_text(unicode=False, color=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
