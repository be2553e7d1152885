"""The one module-level app, for ASGI servers started by `filmshelf serve --workers N`."""

from __future__ import annotations

from filmshelf.app import create_app
from filmshelf.settings import Settings

app = create_app(Settings.from_env())
