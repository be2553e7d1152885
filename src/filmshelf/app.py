"""The application factory: wires settings, database, clock, routes, pages and error handling."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any

from litestar import Litestar, Request, Response, Router, get
from litestar.config.csrf import CSRFConfig
from litestar.exceptions import HTTPException
from litestar.middleware import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme, Server
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from filmshelf import __version__
from filmshelf.accounts.passwords import Hasher
from filmshelf.api.envelope import (
    filmshelf_error_handler,
    http_error_handler,
    internal_error_handler,
    recursion_error_handler,
)
from filmshelf.api.front_door import FrontDoor
from filmshelf.api.openapi_errors import document_errors
from filmshelf.api.public_api import FormBodies, PublicApi
from filmshelf.api.v3.account import V3AccountController, V3RatingController
from filmshelf.api.v3.authentication import V3AuthenticationController
from filmshelf.api.v3.catalog import CatalogController, ReferenceController
from filmshelf.api.v3.discover import DiscoverController
from filmshelf.api.v3.guest import GuestSessionController
from filmshelf.api.v3.lists import V3ListsController
from filmshelf.api.v3.titles import TitlesController
from filmshelf.api.v4.account import V4AccountController
from filmshelf.api.v4.auth import AuthController
from filmshelf.api.v4.lists import ListDeleteAliasController, ListsController
from filmshelf.auth.tokens import Keys
from filmshelf.catalog import popularity
from filmshelf.clock import Clock, SystemClock
from filmshelf.errors import FilmshelfError
from filmshelf.ratelimit import build_limiter
from filmshelf.services import Services
from filmshelf.settings import Settings
from filmshelf.storage.engine import Database, open_database
from filmshelf.web.common import PageThrottle
from filmshelf.web.pages import ApprovalPages, HomePage, SignInPages
from filmshelf.web.session_store import DatabaseStore, RotatingSessionConfig
from filmshelf.web.site import PAGE_CONTROLLERS, StaticFiles, configure_templates, page_headers, page_router_options
from filmshelf.web.v3_approval import V3ApprovalPages

TEMPLATES = Path(__file__).parent / "web" / "templates"
log = logging.getLogger("filmshelf.stats")

# Every page: no framing, no Referer, nothing from third parties (web/site.py: page_headers).
PAGE_HEADERS = page_headers()


class DocumentedJson(JsonRenderPlugin):
    """/schema/openapi.json: the same document as /openapi.json, with each operation's TMDB codes."""

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return self.render_json(request, documented_openapi(request.app))


def documented_openapi(app: Litestar) -> dict[str, Any]:
    """The OpenAPI document with error responses per operation (built once per app)."""
    cached: dict[str, Any] | None = getattr(app.state, "openapi_documented", None)
    if cached is None:
        cached = app.state.openapi_documented = document_errors(app.openapi_schema.to_schema())
    return cached


async def refresh_stats_forever(services: Services, every: float) -> None:
    """Refresh the titles' activity figures now and every `every` seconds (catalog/popularity.py)."""
    last_run: float | None = None
    while True:
        now = services.clock.now()
        try:
            # The first round looks at the whole last week; later ones at what moved since. A
            # round (thousands of titles after a big list change) runs apart from the requests.
            await services.db.run_apart(functools.partial(popularity.refresh_recent, now=now, last_run=last_run))
            last_run = now
        except Exception:  # a failed round is logged and retried (whole) at the next one
            log.exception("refreshing the titles' activity figures failed")
        await asyncio.sleep(every)


def create_app(settings: Settings, *, clock: Clock | None = None, db: Database | None = None) -> Litestar:
    """Build a filmshelf ASGI app; nothing here reads the environment."""
    database = db or open_database(settings.database_url)
    limiter = build_limiter(
        rate=settings.rate_limit_per_second, burst=settings.rate_limit_burst, redis_url=settings.redis_url
    )
    services = Services(
        settings=settings,
        db=database,
        clock=clock or SystemClock(),
        keys=Keys.derive(settings.secret_key),
        limiter=limiter,
        hasher=Hasher(settings.argon2),
    )
    if settings.upstream_enabled:
        from filmshelf.upstream.cache import Upstream

        services.upstream = Upstream(settings, database, services.clock)

    page_throttle = PageThrottle(settings.redis_url)

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        refresher = None
        if settings.stats_refresh_seconds > 0:
            refresher = asyncio.create_task(refresh_stats_forever(services, settings.stats_refresh_seconds))
        try:
            yield
        finally:
            if refresher is not None:
                refresher.cancel()
                with suppress(asyncio.CancelledError):
                    await refresher
            if limiter is not None:
                await limiter.buckets.close()
            await page_throttle.buckets.close()
            if services.upstream is not None:
                await services.upstream.aclose()
            if db is None:
                await database.dispose()

    @get("/openapi.json", include_in_schema=False, sync_to_thread=False)
    def openapi_document(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
        return Response(documented_openapi(request.app), media_type="application/json")

    session_config = RotatingSessionConfig(
        key="filmshelf_session",
        secure=settings.secure_cookies,
        httponly=True,
        samesite="lax",
        max_age=7 * 24 * 3600,
    )
    csrf_config = CSRFConfig(
        secret=settings.secret_key,
        cookie_name="filmshelf_csrf",
        cookie_secure=settings.secure_cookies,
        cookie_httponly=True,
        cookie_samesite="lax",
    )
    # Sessions and CSRF exist only for the pages: the bearer-token API never pays for them.
    pages = Router(
        path="/",
        route_handlers=[SignInPages, ApprovalPages, V3ApprovalPages, HomePage, *PAGE_CONTROLLERS],
        response_headers=page_headers(),
        include_in_schema=False,
        middleware=[session_config.middleware, DefineMiddleware(CSRFMiddleware, config=csrf_config)],
        **page_router_options(),
    )
    app = Litestar(
        route_handlers=[
            AuthController,
            ListsController,
            ListDeleteAliasController,
            V4AccountController,
            V3AuthenticationController,
            V3AccountController,
            V3RatingController,
            V3ListsController,
            GuestSessionController,
            CatalogController,
            DiscoverController,
            TitlesController,
            ReferenceController,
            pages,
            StaticFiles,
            openapi_document,
        ],
        lifespan=[lifespan],
        exception_handlers={
            FilmshelfError: filmshelf_error_handler,
            HTTPException: http_error_handler,
            RecursionError: recursion_error_handler,
            Exception: internal_error_handler,
        },
        stores={"sessions": DatabaseStore(database, services.clock)},
        template_config=TemplateConfig(
            directory=TEMPLATES, engine=JinjaTemplateEngine, engine_callback=configure_templates
        ),
        openapi_config=OpenAPIConfig(
            title="filmshelf (TMDB API v4)",
            version=__version__,
            description=(
                "TMDB API version 4 (AUTH, ACCOUNT, LISTS) and the v3 calls clients need. Errors are TMDB's "
                "`{success, status_code, status_message}`; each operation lists the status codes it can answer."
            ),
            servers=[Server(url=settings.public_url)],
            components=Components(security_schemes={"bearerAuth": SecurityScheme(type="http", scheme="bearer")}),
            security=[{"bearerAuth": []}],
            render_plugins=[DocumentedJson()],
            path="/schema",
            use_handler_docstrings=True,
        ),
        request_max_body_size=settings.max_body_bytes,
        debug=False,
    )
    app.state.services = services
    app.state.page_throttle = page_throttle
    # The per-IP limit must see every API request, unknown paths included, before any routing or
    # parsing work is spent on it; outside it only the public API's transport headers (CORS,
    # content type, caching) and preflights, so that even a 429 is readable by a browser app.
    handler = app.asgi_handler
    if services.upstream is not None:
        from filmshelf.api.upstream import UpstreamSeam

        # Inside the front door (NUL refusal and the per-IP limit come first), around the routes.
        handler = UpstreamSeam(handler, services, services.upstream)
    app.asgi_handler = PublicApi(FrontDoor(FormBodies(handler, max_body_bytes=settings.max_body_bytes), services))
    return app
