"""The SQLite files are private to their owner: mode 0600 for the database, its -wal and its -shm.

SQLite creates a new database file 0644 less the umask, and its -wal and -shm with the mode of
the database file. So the file is created here first, empty (an empty file is a valid empty
database), with mode 0600 set explicitly (umask-independent); SQLite then gives -wal and -shm
the same mode. Files left looser by an older filmshelf are tightened each time one is opened.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
SIDE_FILES = ("-wal", "-shm", "-journal")


def sqlite_file_path(url: str) -> Path | None:
    """The file of an `sqlite:///PATH` URL, or None (PostgreSQL, in-memory)."""
    if not url.startswith("sqlite") or ":///" not in url:
        return None
    path = url.split(":///", 1)[1].split("?", 1)[0]
    if not path or path == ":memory:":
        return None
    return Path(path)


def make_private_sqlite_file(path: Path) -> None:
    """Create `path` (and missing folders, 0700) if absent, and leave it and its side files at 0600."""
    if not path.parent.is_dir():
        path.parent.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        os.chmod(path.parent, PRIVATE_DIR)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        pass
    else:
        os.fchmod(fd, PRIVATE_FILE)
        os.close(fd)
    for candidate in (path, *(path.with_name(path.name + suffix) for suffix in SIDE_FILES)):
        try:
            if candidate.stat().st_mode & 0o777 != PRIVATE_FILE:
                os.chmod(candidate, PRIVATE_FILE)
        except FileNotFoundError:
            continue
        except PermissionError:
            continue  # not ours to change (a shared, read-only setup): SQLite reports what matters
