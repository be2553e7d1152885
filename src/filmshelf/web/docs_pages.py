"""The API reference (Swagger UI, served by filmshelf itself) and the page for developers.

Swagger UI's files come from the `swagger-ui-py` package on PyPI (Apache-2.0; its licence is
served at /static/swagger/LICENSE): filmshelf serves `swagger-ui-bundle.js` and `swagger-ui.css`
from the installed package, so the docs work offline and no page loads anything from a CDN.
The package is found without importing it (its own module pulls in web-framework adapters).
"""

from __future__ import annotations

import importlib.util
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from litestar import Controller, get
from litestar.datastructures import ResponseHeader
from litestar.params import FromPath
from litestar.response import File, Template

from filmshelf.api.guards import services_of
from filmshelf.errors import NotFound
from filmshelf.web.common import AnyRequest, page, signed_in_account

CLIENTS = Path(__file__).parent / "clients.toml"
STATIC = Path(__file__).parent / "static"
SWAGGER_FILES = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "LICENSE": "text/plain; charset=utf-8",
}
# The docs page runs two scripts of ours; still nothing from anywhere else.
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'none'"
)


@cache
def swagger_dir() -> Path:
    """Where the installed swagger-ui-py package keeps Swagger UI's files."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("swagger-ui-py is not installed (pip install -e .)")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


@cache
def clients() -> list[dict[str, Any]]:
    """The tested client libraries, from clients.toml."""
    with CLIENTS.open("rb") as handle:
        rows: list[dict[str, Any]] = tomllib.load(handle)["client"]
    return rows


class StaticFiles(Controller):
    """/static/filmshelf.css, /static/docs.js and Swagger UI's two files (cacheable for an hour)."""

    path = "/static"
    include_in_schema = False
    response_headers = [
        ResponseHeader(name="Cache-Control", value="public, max-age=3600"),
        ResponseHeader(name="X-Content-Type-Options", value="nosniff"),
    ]

    @get("/{name:str}", sync_to_thread=False)
    def own_file(self, name: FromPath[str]) -> File:
        """The stylesheet and the docs starter."""
        types = {"filmshelf.css": "text/css; charset=utf-8", "docs.js": "text/javascript; charset=utf-8"}
        if name not in types:
            raise NotFound()
        return File(STATIC / name, media_type=types[name], content_disposition_type="inline")

    @get("/swagger/{name:str}", sync_to_thread=False)
    def swagger_file(self, name: FromPath[str]) -> File:
        """Swagger UI, from the swagger-ui-py package."""
        if name not in SWAGGER_FILES:
            raise NotFound()
        return File(swagger_dir() / name, media_type=SWAGGER_FILES[name], content_disposition_type="inline")


class DocsPages(Controller):
    """/docs (API reference) and /developers."""

    @get("/docs", response_headers=[ResponseHeader(name="Content-Security-Policy", value=DOCS_CSP)])
    async def show_docs(self, request: AnyRequest) -> Template:
        """Swagger UI on /openapi.json, every asset served by filmshelf."""
        return page("docs.html.j2", account=await signed_in_account(request))

    @get("/developers")
    async def show_developers(self, request: AnyRequest) -> Template:
        """How to point a client library at this server, and the libraries tested against it."""
        public_url = services_of(request).settings.public_url
        rows = [
            {
                key: value.replace("{public_url}", public_url) if isinstance(value, str) else value
                for key, value in row.items()
            }
            for row in clients()
        ]
        return page("developers.html.j2", account=await signed_in_account(request), clients=rows, public_url=public_url)
