"""How the pages are assembled: their controllers, security headers, error pages and template filters."""

from __future__ import annotations

from typing import Any

from litestar.datastructures import ResponseHeader
from litestar.plugins.jinja import JinjaTemplateEngine

from filmshelf import wire
from filmshelf.catalog import reference
from filmshelf.errors import FilmshelfError
from filmshelf.web.account_pages import AccountPages, SignUpPages
from filmshelf.web.admin_pages import AdminPages
from filmshelf.web.apps_pages import AccessPages, MyAppsPages
from filmshelf.web.common import page_error_handler, signed_out_handler
from filmshelf.web.docs_pages import DocsPages, StaticFiles
from filmshelf.web.lists_pages import ListsPages
from filmshelf.web.pages import SignedOutMeanwhile
from filmshelf.web.titles_pages import SearchPage, TitlePages
from filmshelf.web.transfer_pages import TransferPages

__all__ = ["PAGE_CONTROLLERS", "StaticFiles", "configure_templates", "page_headers", "page_router_options"]

PAGE_CONTROLLERS = [
    SignUpPages,
    AccountPages,
    AccessPages,
    MyAppsPages,
    ListsPages,
    SearchPage,
    TitlePages,
    AdminPages,
    DocsPages,
    TransferPages,
]


def image_origin() -> str:
    """The origin (scheme://host) of the configured image base, allowed as an image source."""
    base = reference.configuration()["images"]["secure_base_url"]
    scheme, _, rest = base.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"


def page_headers() -> list[ResponseHeader]:
    """Headers of every page: no framing, no Referer, no sniffing, not cached; the stylesheet
    from this server and posters from the image base, and nothing else (no script at all)."""
    csp = (
        f"default-src 'none'; style-src 'self'; img-src 'self' {image_origin()}; "
        "frame-ancestors 'none'; base-uri 'none'"
    )
    return [
        ResponseHeader(name="X-Frame-Options", value="DENY"),
        ResponseHeader(name="Content-Security-Policy", value=csp),
        ResponseHeader(name="Referrer-Policy", value="no-referrer"),
        ResponseHeader(name="X-Content-Type-Options", value="nosniff"),
        ResponseHeader(name="Cache-Control", value="no-store"),
    ]


def page_router_options() -> dict[str, Any]:
    """Router options for the pages: errors raised under a page render as HTML pages."""
    return {"exception_handlers": {FilmshelfError: page_error_handler, SignedOutMeanwhile: signed_out_handler}}


def configure_templates(engine: JinjaTemplateEngine) -> None:
    """Filters the templates use."""
    engine.engine.filters["utc_date"] = wire.utc_date
