"""The baseline: a bare Starlette hello-world JSON endpoint on uvicorn (uvloop, httptools), 1 worker."""

from __future__ import annotations

import sys

import uvicorn
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route


async def hello(_request: object) -> JSONResponse:
    return JSONResponse({"success": True, "status_code": 1, "status_message": "Success."})


app = Starlette(routes=[Route("/", hello, methods=["GET", "POST"])])

if __name__ == "__main__":
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=int(sys.argv[1]),
        loop="uvloop",
        http="httptools",
        log_level="warning",
        access_log=False,
    )
