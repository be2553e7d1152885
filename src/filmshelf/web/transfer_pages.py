"""Import and export on the account page: upload files (CSRF-checked, one transaction), download a zip.

The same `transfer.service` functions as `filmshelf data import|export`; the report page shows
what matched, what did not and why.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath
from litestar.response import Template

from filmshelf.api.guards import services_of
from filmshelf.transfer import files, service
from filmshelf.transfer.model import FORMATS, ParseError
from filmshelf.web.common import AnyRequest, not_found, page, signed_in_account, throttled, to_login

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UPLOAD_FILES = 50


class TransferPages(Controller):
    """/account/data: the import form's target and the export downloads."""

    path = "/account/data"

    @get("/export/{format_name:str}")
    async def export_download(self, request: AnyRequest, format_name: FromPath[str]) -> Response[Any] | Template:
        """The account's lists, favorites, watchlist and ratings as a zip in one format."""
        account = await signed_in_account(request)
        if account is None:
            return to_login(request)
        if format_name not in FORMATS:
            return not_found(account)
        archive, _ = await service.export_zip(services_of(request).db, account=account, format_name=format_name)
        filename = f"filmshelf-{account.username}-{format_name}.zip"
        return Response(
            archive,
            media_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    @post("/import", request_max_body_size=MAX_UPLOAD_BYTES)
    async def import_upload(self, request: AnyRequest) -> Response[Any] | Template:
        """Import the uploaded files; a malformed file is refused (file:line) and nothing is stored."""
        account = await signed_in_account(request)
        if account is None:
            return to_login(request)
        if (limited := await throttled(request, "import", f"account:{account.id}")) is not None:
            return limited
        form = await request.form()
        uploads = []
        for value in form.getall("files") if "files" in form else []:
            if isinstance(value, UploadFile) and value.filename:
                uploads.append(files.Upload(value.filename[:200], await value.read()))
        replace = form.get("replace") == "on"
        if not uploads or len(uploads) > MAX_UPLOAD_FILES:
            error = "Choose at least one file." if not uploads else f"At most {MAX_UPLOAD_FILES} files at a time."
            return page("data_report.html.j2", 400, account=account, error=error, report=None)
        services = services_of(request)
        try:
            report = await service.import_files(
                services.db, account_id=account.id, uploads=uploads, replace=replace, now=services.clock.now()
            )
        except ParseError as exc:
            error = f"{exc} - nothing was imported."
            return page("data_report.html.j2", 400, account=account, error=error, report=None)
        summary = ", ".join(f"{n} {name}" for name, n in report.counts().items() if n) or "nothing in the files"
        return page("data_report.html.j2", account=account, error=None, report=report, summary=summary, replace=replace)
