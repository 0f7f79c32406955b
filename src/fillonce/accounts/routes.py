from __future__ import annotations

from urllib.parse import urlparse

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from fillonce.accounts import service as accounts
from fillonce.accounts import tokens
from fillonce.accounts.permissions import can
from fillonce.catalog import service as catalog
from fillonce.core.errors import PermissionDenied
from fillonce.core.i18n import LANGUAGES
from fillonce.web.deps import (
    LANGUAGE_COOKIE,
    SESSION_COOKIE,
    Visitor,
    check_csrf,
    get_db,
    remember_csrf,
    render,
    signed_in,
    visitor,
)

router = APIRouter()


def _local(target: str | None, fallback: str = "/") -> str:
    """Only redirect within this site."""
    if not target:
        return fallback
    parsed = urlparse(target)
    return target if not parsed.scheme and not parsed.netloc and target.startswith("/") else fallback


@router.get("/signin")
def signin_page(request: Request, next: str = "/", who: Visitor = Depends(visitor)):
    return render(request, who, "signin.html", next=_local(next), error=None, username="")


@router.post("/signin", dependencies=[Depends(check_csrf)])
def signin(request: Request, username: str = Form(""), password: str = Form(""), next: str = Form("/"),
           db: Session = Depends(get_db), who: Visitor = Depends(visitor)):
    address = request.client.host if request.client else "unknown"
    try:
        result = accounts.sign_in(db, username.strip(), password, address,
                                  hours=request.app.state.runtime.settings.session_hours)
    except PermissionDenied as exc:
        return render(request, who, "signin.html", status_code=401, next=_local(next),
                      error=exc.in_(who.language), username=username)
    response = RedirectResponse(_local(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, result.token, httponly=True, samesite="lax",
                        secure=request.app.state.runtime.settings.secure_cookies,
                        max_age=request.app.state.runtime.settings.session_hours * 3600)
    return response


@router.post("/signout", dependencies=[Depends(check_csrf)])
def signout(request: Request, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    accounts.sign_out(db, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.post("/language", dependencies=[Depends(check_csrf)])
def set_language(language: str = Form(...), next: str = Form("/"), who: Visitor = Depends(visitor)):
    response = RedirectResponse(_local(next), status_code=303)
    if language in LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, language, samesite="lax", max_age=365 * 24 * 3600)
    remember_csrf(response, who)
    return response


@router.get("/departments")
def departments_page(request: Request, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    counts = catalog.element_counts_by_department(db)
    return render(request, who, "accounts/departments.html", departments=accounts.departments(db), counts=counts)


@router.get("/departments/{code}")
def department_page(code: str, request: Request, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    department = accounts.get_department(db, code)
    staff = accounts.accounts_of_department(db, department) if can(who.actor, "department.view_staff", department) else None
    api_tokens = tokens.department_tokens(db, who.actor, department) if can(who.actor, "token.manage", department) else None
    return render(request, who, "accounts/department.html", department=department, staff=staff, api_tokens=api_tokens,
                  new_token="", elements=catalog.search(db, department_code=code, limit=1000))


@router.post("/departments/{code}/tokens", dependencies=[Depends(check_csrf)])
def create_token(code: str, request: Request, name: str = Form(""), db: Session = Depends(get_db),
                 who: Visitor = Depends(signed_in)):
    department = accounts.get_department(db, code)
    plain, _ = tokens.create(db, who.actor, department, name)
    # Shown once on the page that answers this POST; never stored or logged in clear.
    staff = accounts.accounts_of_department(db, department)
    return render(request, who, "accounts/department.html", department=department, staff=staff, new_token=plain,
                  api_tokens=tokens.department_tokens(db, who.actor, department),
                  elements=catalog.search(db, department_code=code, limit=1000))


@router.post("/departments/{code}/tokens/{token_id}/revoke", dependencies=[Depends(check_csrf)])
def revoke_token(code: str, token_id: int, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    tokens.revoke(db, who.actor, token_id)
    return RedirectResponse(f"/departments/{code}", status_code=303)


@router.get("/")
def home(request: Request, who: Visitor = Depends(signed_in)):
    return render(request, who, "home.html")
