"""The application factory: wires settings, database, clock, routes, pages and error handling."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from litestar import Litestar, Request, Response, Router, get
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import ResponseHeader
from litestar.exceptions import HTTPException
from litestar.middleware import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware
from litestar.openapi import OpenAPIConfig
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
from filmshelf.api.public_api import FormBodies, PublicApi
from filmshelf.api.v3.account import V3AccountController, V3RatingController
from filmshelf.api.v3.authentication import V3AuthenticationController
from filmshelf.api.v3.catalog import CatalogController, ReferenceController
from filmshelf.api.v3.guest import GuestSessionController
from filmshelf.api.v3.lists import V3ListsController
from filmshelf.api.v4.account import V4AccountController
from filmshelf.api.v4.auth import AuthController
from filmshelf.api.v4.lists import ListDeleteAliasController, ListsController
from filmshelf.auth.tokens import Keys
from filmshelf.clock import Clock, SystemClock
from filmshelf.errors import FilmshelfError
from filmshelf.ratelimit import build_limiter
from filmshelf.services import Services
from filmshelf.settings import Settings
from filmshelf.storage.engine import Database, open_database
from filmshelf.web.pages import ApprovalPages, HomePage, SignInPages
from filmshelf.web.session_store import DatabaseStore, RotatingSessionConfig
from filmshelf.web.v3_approval import V3ApprovalPages

TEMPLATES = Path(__file__).parent / "web" / "templates"

# Pages that hold a sign-in form or an Approve button: no framing, no Referer, no third parties.
PAGE_HEADERS = [
    ResponseHeader(name="X-Frame-Options", value="DENY"),
    ResponseHeader(
        name="Content-Security-Policy",
        value="default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
    ),
    ResponseHeader(name="Referrer-Policy", value="no-referrer"),
    ResponseHeader(name="X-Content-Type-Options", value="nosniff"),
    ResponseHeader(name="Cache-Control", value="no-store"),
]


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

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        try:
            yield
        finally:
            if limiter is not None:
                await limiter.buckets.close()
            if services.upstream is not None:
                await services.upstream.aclose()
            if db is None:
                await database.dispose()

    @get("/openapi.json", include_in_schema=False, sync_to_thread=False)
    def openapi_document(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
        return Response(request.app.openapi_schema.to_schema(), media_type="application/json")

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
        route_handlers=[SignInPages, ApprovalPages, V3ApprovalPages, HomePage],
        response_headers=PAGE_HEADERS,
        include_in_schema=False,
        middleware=[session_config.middleware, DefineMiddleware(CSRFMiddleware, config=csrf_config)],
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
            ReferenceController,
            pages,
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
        template_config=TemplateConfig(directory=TEMPLATES, engine=JinjaTemplateEngine),
        openapi_config=OpenAPIConfig(
            title="filmshelf (TMDB API v4)",
            version=__version__,
            description="TMDB API version 4 (AUTH, ACCOUNT, LISTS) and the v3 calls v4 clients need.",
            servers=[Server(url=settings.public_url)],
            components=Components(security_schemes={"bearerAuth": SecurityScheme(type="http", scheme="bearer")}),
            security=[{"bearerAuth": []}],
            render_plugins=[],
            path="/schema",
        ),
        request_max_body_size=settings.max_body_bytes,
        debug=False,
    )
    app.state.services = services
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
