"""Request plumbing shared by every domain's routes: database session, signed-in actor, CSRF, pages."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from fillonce.accounts import service as accounts
from fillonce.accounts import tokens
from fillonce.accounts.models import Account
from fillonce.accounts.permissions import ROLE_LABELS, Actor, can
from fillonce.core.errors import (
    Conflict,
    FillonceError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from fillonce.core.i18n import Text
from fillonce.web.i18n import pick_language, translations

SESSION_COOKIE = "fo_session"
CSRF_COOKIE = "fo_csrf"
LANGUAGE_COOKIE = "fo_lang"
TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))


class NotSignedIn(FillonceError):
    """Pages answer with a redirect to the sign-in page; the API with 401."""


class CsrfFailure(FillonceError):
    pass


def status_of(exc: FillonceError) -> int:
    """The HTTP status of a user-facing error."""
    for kind, status in ((NotSignedIn, 401), (CsrfFailure, 403), (PermissionDenied, 403), (NotFound, 404),
                         (Conflict, 409), (ValidationError, 422)):
        if isinstance(exc, kind):
            return status
    return 400


def get_db(request: Request) -> Iterator[Session]:
    db = request.app.state.runtime.session()
    try:
        yield db
    finally:
        db.close()


@dataclass
class Visitor:
    """Who is asking: possibly nobody; with the language and CSRF token of their pages."""

    account: Account | None
    actor: Actor | None
    language: str
    csrf_token: str
    new_csrf_cookie: bool


def visitor(request: Request, db: Session = Depends(get_db)) -> Visitor:
    if hasattr(request.state, "visitor"):
        return request.state.visitor
    language = pick_language(request.cookies.get(LANGUAGE_COOKIE))
    found = accounts.session_account(db, request.cookies.get(SESSION_COOKIE))
    if found:
        account, web_session = found
        result = Visitor(account, accounts.actor_of(account), language, web_session.csrf_token, False)
    else:
        cookie = request.cookies.get(CSRF_COOKIE)
        result = Visitor(None, None, language, cookie or secrets.token_urlsafe(32), cookie is None)
    request.state.visitor = result
    return result


def signed_in(who: Visitor = Depends(visitor)) -> Visitor:
    if who.actor is None:
        raise NotSignedIn(Text("请先登录", "please sign in first"))
    return who


def signed_in_or_token(request: Request, db: Session = Depends(get_db), who: Visitor = Depends(visitor)) -> Visitor:
    """For the read APIs a department's systems call: a session, or `Authorization: Bearer <token>`."""
    scheme, _, credential = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return signed_in(who)
    actor = tokens.actor_of_token(db, credential.strip())
    if actor is None:
        raise NotSignedIn(Text("API 令牌无效或已撤销", "the API token is unknown or revoked"))
    return Visitor(None, actor, who.language, "", False)


async def check_csrf(request: Request, who: Visitor = Depends(visitor)) -> None:
    """Every state-changing request carries the token from a form field or the X-CSRF-Token header."""
    sent = request.headers.get("x-csrf-token")
    if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        sent = (await request.form()).get("csrf_token")
    if not sent or not hmac.compare_digest(str(sent), who.csrf_token):
        raise CsrfFailure(Text("页面已过期或请求来源不明，请刷新页面后重试",
                               "the page expired or the request came from elsewhere; reload the page and try again"))


def require(action: str):
    """A dependency refusing the request unless the signed-in actor may do `action` at all."""

    def check(who: Visitor = Depends(signed_in)) -> Visitor:
        if not can(who.actor, action):
            raise PermissionDenied(Text("您没有权限进行此操作", "you are not allowed to do this"))
        return who

    return check


def render(request: Request, who: Visitor, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    gettext = translations(who.language).gettext

    def translate(message: str, **values: Any) -> str:
        return gettext(message) % values if values else gettext(message)

    context.update(
        request=request, who=who, _=translate, lang=who.language, csrf_token=who.csrf_token,
        can=lambda action, obj=None: can(who.actor, action, obj), role_label=_role_label(who.language),
        localized=lambda zh, en: en if who.language == "en" and en else zh,
    )
    response = TEMPLATES.TemplateResponse(request, template, context, status_code=status_code)
    remember_csrf(response, who)
    return response


def remember_csrf(response: Response, who: Visitor) -> None:
    if who.new_csrf_cookie:
        response.set_cookie(CSRF_COOKIE, who.csrf_token, httponly=True, samesite="lax")


def _role_label(language: str):
    def label(role: str) -> str:
        zh, en = ROLE_LABELS.get(role, (role, role))
        return en if language == "en" else zh

    return label
