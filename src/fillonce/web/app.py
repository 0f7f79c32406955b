"""The web app: server-rendered pages and the JSON API, one router per domain."""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from fillonce import __version__
from fillonce.accounts.routes import router as accounts_pages
from fillonce.audit.routes import router as audit_pages
from fillonce.burden.routes import router as burden_pages
from fillonce.catalog.routes import api as catalog_api
from fillonce.catalog.routes import router as catalog_pages
from fillonce.core.errors import FillonceError
from fillonce.core.runtime import Runtime, open_runtime
from fillonce.entry.routes import api as values_api
from fillonce.feedback.routes import api as feedback_api
from fillonce.feedback.routes import router as feedback_pages
from fillonce.forms.routes import router as forms_pages
from fillonce.indicators.routes import router as indicators_pages  # indicators
from fillonce.ledger import service as ledger
from fillonce.ledger.routes import api as ledger_api
from fillonce.ledger.routes import router as ledger_pages
from fillonce.orgunits.routes import api as orgunits_api
from fillonce.orgunits.routes import router as orgunits_pages
from fillonce.quality.routes import router as quality_pages
from fillonce.registers.routes import api as registers_api  # registers (台账)
from fillonce.registers.routes import router as registers_pages
from fillonce.reports import subscriptions
from fillonce.reports.routes import api as reports_api
from fillonce.reports.routes import router as reports_pages
from fillonce.specs import gate
from fillonce.specs.routes import api as specs_api
from fillonce.specs.routes import router as specs_pages
from fillonce.web.deps import NotSignedIn, render, status_of, visitor

logger = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                               "frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


async def _on_error(request: Request, exc: FillonceError):
    status = status_of(exc)
    if isinstance(exc, NotSignedIn) and not _wants_json(request):
        return RedirectResponse(f"/signin?next={quote(str(request.url.path))}", status_code=303)
    # The request's own session may have been rolled back and closed: look the visitor up afresh.
    if hasattr(request.state, "visitor"):
        del request.state.visitor
    with request.app.state.runtime.session() as db:
        who = visitor(request, db)
        if _wants_json(request):
            return JSONResponse({"error": exc.in_(who.language), "status": status}, status_code=status)
        return render(request, who, "error.html", status_code=status, message=exc.in_(who.language), status=status)


async def _checkpoint_loop(runtime: Runtime) -> None:
    """Sign a checkpoint every N seconds or M entries (witnesses cosign it), and build subscribed reports."""
    interval = max(1, min(runtime.settings.checkpoint_every_seconds, 10))
    while True:
        await asyncio.sleep(interval)
        try:
            await asyncio.to_thread(_checkpoint_once, runtime)
        except Exception:  # keep serving; the next round tries again
            logger.exception("checkpointing failed")


def _warm_catalogue_index(runtime: Runtime) -> None:
    """The gate's first duplicate check should not pay for building the catalogue's index."""
    with runtime.session() as db:
        gate.catalogue_index(db)


def _checkpoint_once(runtime: Runtime) -> None:
    with runtime.session() as db:
        ledger.checkpoint_if_due(db, runtime.settings)
        subscriptions.rebuild_due(db, runtime.settings)  # reports whose period has just closed


def app_from_environment() -> FastAPI:
    """The app for `uvicorn --factory` (each worker process of `fillonce serve --workers N` opens its own)."""
    return create_app(open_runtime())


def create_app(runtime: Runtime) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        task = asyncio.create_task(_checkpoint_loop(runtime))
        warm = asyncio.create_task(asyncio.to_thread(_warm_catalogue_index, runtime))
        yield
        task.cancel()
        warm.cancel()

    # No Swagger page: it loads scripts from a CDN. /openapi.json is the schema; /api lists it as a page.
    app = FastAPI(title="fillonce", version=__version__, docs_url=None, redoc_url=None, lifespan=lifespan,
                  description="基层报表数据中心 API / reporting data center API. 登录后使用 / sign in first; "
                              "writes need the X-CSRF-Token header.")
    app.state.runtime = runtime
    app.add_exception_handler(FillonceError, _on_error)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.get("/healthz", include_in_schema=False)
    def health():
        return {"ok": True}

    @app.get("/api", include_in_schema=False)
    def api_page(request: Request):
        with runtime.session() as db:
            who = visitor(request, db)
        return render(request, who, "api.html", paths=app.openapi()["paths"])

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    pages = (accounts_pages, orgunits_pages, catalog_pages, specs_pages, ledger_pages, forms_pages, audit_pages,
             reports_pages)
    pages += (quality_pages,)
    pages += (indicators_pages,)  # indicators
    pages += (feedback_pages, burden_pages)
    pages += (registers_pages,)  # registers (台账)
    for router in pages:
        app.include_router(router, include_in_schema=False)  # HTML pages are not part of the JSON API
    for router in (orgunits_api, catalog_api, specs_api, values_api, reports_api, ledger_api):
        app.include_router(router)
    app.include_router(feedback_api)
    app.include_router(registers_api)  # registers (台账)
    return app
