"""Accounts: signing in, throttling, sessions, passwords, creating accounts and changing roles."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from fillonce.accounts import service as accounts
from fillonce.accounts.models import Account, SignInFailure, WebSession
from fillonce.core.db import utcnow
from fillonce.core.errors import Conflict, PermissionDenied, ValidationError
from fillonce.ledger import log
from fillonce.ledger.models import LedgerEntry
from stories import PASSWORD

REFUSED = "用户名或密码不正确"


PRODUCTION_HASHER = accounts.HASHER


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch):
    """Argon2 at its cheapest in these tests: the same code paths, without a tenth of a second per hash."""
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


def test_passwords_are_hashed_with_argon2id_at_no_less_than_the_owasp_minimum(story):
    assert PRODUCTION_HASHER.type.name == "ID"
    assert PRODUCTION_HASHER.time_cost >= 2 and PRODUCTION_HASHER.memory_cost >= 19 * 1024
    assert accounts.get_account(story.db, "alice").password_hash.startswith("$argon2id$")


def _last_actions(db, count: int) -> list[str]:
    rows = db.scalars(select(LedgerEntry.action).order_by(LedgerEntry.idx.desc()).limit(count))
    return list(reversed(list(rows)))


# ---- signing in ----------------------------------------------------------------------------------

def test_alice_signs_in_and_her_token_finds_her(story):
    size = log.current_size(story.db)
    signed = accounts.sign_in(story.db, "alice", PASSWORD, "10.0.0.1")
    assert signed.account.username == "alice" and signed.token and signed.csrf_token
    account, web_session = accounts.session_account(story.db, signed.token)
    assert account.username == "alice" and web_session.csrf_token == signed.csrf_token
    assert log.current_size(story.db) == size + 1
    assert _last_actions(story.db, 1) == ["account.sign_in"]


def test_a_wrong_password_and_an_unknown_user_get_the_same_message(story):
    with pytest.raises(PermissionDenied) as wrong:
        accounts.sign_in(story.db, "alice", "not-her-password", "10.0.0.1")
    with pytest.raises(PermissionDenied) as unknown:
        accounts.sign_in(story.db, "mallory", PASSWORD, "10.0.0.1")
    assert str(wrong.value) == str(unknown.value) == REFUSED
    assert wrong.value.in_("en") == unknown.value.in_("en") == "wrong username or password"
    assert story.db.scalar(select(func.count()).select_from(WebSession)) == 0


def test_a_deactivated_account_cannot_sign_in_and_loses_its_sessions(story):
    signed = accounts.sign_in(story.db, "alice", PASSWORD, "10.0.0.1")
    accounts.deactivate(story.db, story.judy, "alice", reason="调离")
    assert accounts.session_account(story.db, signed.token) is None
    with pytest.raises(PermissionDenied) as refused:
        accounts.sign_in(story.db, "alice", PASSWORD, "10.0.0.1")
    assert str(refused.value) == REFUSED  # no hint that the name exists


def test_only_an_administrator_deactivates(story):
    with pytest.raises(PermissionDenied):
        accounts.deactivate(story.db, story.carol, "alice", reason="我不喜欢她")
    assert accounts.get_account(story.db, "alice").active


def test_five_failures_lock_the_username_even_for_the_right_password(story):
    for attempt in range(accounts.THROTTLE_PER_USERNAME):
        with pytest.raises(PermissionDenied) as refused:
            accounts.sign_in(story.db, "alice", f"guess-{attempt}", f"10.0.0.{attempt}")
        assert not isinstance(refused.value, accounts.Throttled)
    with pytest.raises(accounts.Throttled) as throttled:
        accounts.sign_in(story.db, "alice", PASSWORD, "10.0.0.99")
    assert "15 分钟" in str(throttled.value) and "too many failed sign-ins" in throttled.value.in_("en")
    # Another person, even from an address that guessed, is not locked out.
    assert accounts.sign_in(story.db, "bob", PASSWORD, "10.0.0.1").account.username == "bob"


def test_failures_of_an_unknown_name_throttle_that_name_too(story):
    for _ in range(accounts.THROTTLE_PER_USERNAME):
        with pytest.raises(PermissionDenied):
            accounts.sign_in(story.db, "mallory", "guess", "10.9.9.9")
    with pytest.raises(accounts.Throttled):
        accounts.sign_in(story.db, "mallory", "guess", "10.9.9.8")


def test_old_failures_no_longer_count(story):
    story.db.add_all([SignInFailure(username="alice", address="10.0.0.1", at=utcnow() - timedelta(hours=1))
                      for _ in range(10)])
    story.db.commit()
    assert accounts.sign_in(story.db, "alice", PASSWORD, "10.0.0.1").account.username == "alice"


def test_a_success_clears_the_failures(story):
    def fail(times: int) -> None:
        for _ in range(times):
            with pytest.raises(PermissionDenied):
                accounts.sign_in(story.db, "alice", "wrong-password", "10.0.0.1")

    fail(accounts.THROTTLE_PER_USERNAME - 1)
    accounts.sign_in(story.db, "alice", PASSWORD, "10.0.0.1")
    assert story.db.scalar(select(func.count()).where(SignInFailure.username == "alice")) == 0
    fail(accounts.THROTTLE_PER_USERNAME - 1)
    accounts.sign_in(story.db, "alice", PASSWORD, "10.0.0.1")  # four new failures: still not locked


# ---- sessions ------------------------------------------------------------------------------------

def test_only_a_hash_of_the_token_is_stored(story):
    signed = accounts.sign_in(story.db, "alice", PASSWORD, "10.0.0.1")
    stored = story.db.scalars(select(WebSession)).all()
    assert [s.token_hash for s in stored] == [accounts.token_hash(signed.token)]
    assert signed.token not in {stored[0].token_hash, stored[0].csrf_token}
    assert story.db.get(WebSession, signed.token) is None


def test_an_expired_or_unknown_token_finds_nobody(story):
    signed = accounts.sign_in(story.db, "alice", PASSWORD, "10.0.0.1", hours=8)
    web_session = story.db.get(WebSession, accounts.token_hash(signed.token))
    assert timedelta(hours=7, minutes=59) < web_session.expires_at - utcnow() <= timedelta(hours=8)
    web_session.expires_at = utcnow() - timedelta(seconds=1)
    story.db.commit()
    assert accounts.session_account(story.db, signed.token) is None
    assert accounts.session_account(story.db, "made-up-token") is None
    assert accounts.session_account(story.db, "") is None
    assert accounts.session_account(story.db, None) is None


def test_expired_sessions_are_swept_at_the_next_sign_in(story):
    old = accounts.sign_in(story.db, "alice", PASSWORD, "10.0.0.1")
    story.db.get(WebSession, accounts.token_hash(old.token)).expires_at = utcnow() - timedelta(minutes=1)
    story.db.commit()
    accounts.sign_in(story.db, "bob", PASSWORD, "10.0.0.2")
    assert story.db.get(WebSession, accounts.token_hash(old.token)) is None


def test_signing_out_ends_the_session(story):
    signed = accounts.sign_in(story.db, "alice", PASSWORD, "10.0.0.1")
    accounts.sign_out(story.db, signed.token)
    assert accounts.session_account(story.db, signed.token) is None


# ---- passwords -----------------------------------------------------------------------------------

def test_alice_changes_her_password_with_the_current_one_and_her_sessions_end(story):
    signed = accounts.sign_in(story.db, "alice", PASSWORD, "10.0.0.1")
    accounts.change_password(story.db, story.alice, "alice", PASSWORD, "a-new-secret-1")
    assert accounts.session_account(story.db, signed.token) is None
    assert _last_actions(story.db, 1) == ["account.password_change"]
    with pytest.raises(PermissionDenied):
        accounts.sign_in(story.db, "alice", PASSWORD, "10.0.0.1")
    assert accounts.sign_in(story.db, "alice", "a-new-secret-1", "10.0.0.1").account.username == "alice"


def test_a_wrong_current_password_or_a_short_new_one_is_refused(story):
    size = log.current_size(story.db)
    with pytest.raises(PermissionDenied, match="当前密码不正确"):
        accounts.change_password(story.db, story.alice, "alice", "not-my-password", "a-new-secret-1")
    with pytest.raises(ValidationError, match="至少需要 8 个字符"):
        accounts.change_password(story.db, story.alice, "alice", PASSWORD, "short")
    assert log.current_size(story.db) == size


@pytest.mark.parametrize("who", ["bob", "carol", "heidi", "ivan"])
def test_nobody_but_an_administrator_changes_another_persons_password(story, who):
    with pytest.raises(PermissionDenied):
        accounts.change_password(story.db, story.actors[who], "alice", PASSWORD, "taken-over-1")
    assert accounts.sign_in(story.db, "alice", PASSWORD, "10.0.0.1")


def test_an_administrator_resets_a_password_without_knowing_it_but_not_her_own(story):
    signed = accounts.sign_in(story.db, "alice", PASSWORD, "10.0.0.1")
    accounts.change_password(story.db, story.judy, "alice", "", "reset-by-judy")
    assert accounts.session_account(story.db, signed.token) is None
    with pytest.raises(PermissionDenied, match="当前密码不正确"):
        accounts.change_password(story.db, story.judy, "judy", "", "judy-new-pass")


# ---- creating accounts ---------------------------------------------------------------------------

def _new(username="zoe", password="zoe-password", role="reporter", unit="V2", department=None, duty=""):
    return accounts.AccountInput(username, "Zoe", password, role, unit, department, duty)


@pytest.mark.parametrize("data,message", [
    (_new(username="zoe smith"), "用户名 'zoe smith' 无效"),
    (_new(username="z"), "用户名 'z' 无效"),
    (_new(username="张三"), "无效"),
    (_new(password="short"), "密码至少需要 8 个字符"),
    (_new(unit=None), "用户 zoe：reporter 角色必须指定所属单位"),
    (_new(role="official", unit=None), "official 角色必须指定所属单位"),
    (_new(unit="V99"), "用户 zoe：单位 V99 不存在"),
    (_new(role="dept_staff", unit=None), "部门工作人员必须指定部门"),
    (_new(role="dept_staff", unit=None, department="XXX"), "用户 zoe：部门 XXX 不存在"),
    (_new(role="mayor"), "未知角色 mayor"),
    (_new(role="dept_staff", unit=None, department="MZJ", duty="boss"), "未知职责 boss"),
], ids=["space", "too-short-name", "chinese-name", "short-password", "reporter-without-unit",
        "official-without-unit", "unknown-unit", "staff-without-department", "unknown-department",
        "unknown-role", "unknown-duty"])
def test_a_bad_account_is_refused_with_a_clear_message(story, data, message):
    size = log.current_size(story.db)
    with pytest.raises(ValidationError, match=message):
        accounts.create_account(story.db, story.judy, data)
    assert log.current_size(story.db) == size
    assert story.db.scalar(select(Account.id).where(Account.username == data.username)) is None


def test_judy_creates_accounts_in_a_batch_recorded_in_the_ledger(story):
    size = log.current_size(story.db)
    created = accounts.create_accounts(story.db, story.judy, [
        _new(), _new(username="yuki", role="official", unit="S2"),
        _new(username="xiu", role="dept_staff", unit=None, department="WJW", duty="analyst")])
    assert [a.username for a in created] == ["zoe", "yuki", "xiu"]
    assert created[2].department.code == "WJW" and created[1].org_unit.code == "S2"
    assert log.current_size(story.db) == size + 3
    assert _last_actions(story.db, 3) == ["account.create"] * 3
    assert accounts.sign_in(story.db, "zoe", "zoe-password", "10.0.0.1")


def test_a_username_is_used_once_and_a_failing_batch_writes_nothing(story):
    with pytest.raises(Conflict, match="用户名 alice 已被使用"):
        accounts.create_account(story.db, story.judy, _new(username="alice"))
    with pytest.raises(Conflict, match="zoe"):
        accounts.create_accounts(story.db, story.judy, [_new(), _new()])
    assert story.db.scalar(select(Account.id).where(Account.username == "zoe")) is None


@pytest.mark.parametrize("who", ["alice", "carol", "erin", "heidi", "ivan"])
def test_only_an_administrator_creates_accounts(story, who):
    size = log.current_size(story.db)
    with pytest.raises(PermissionDenied, match="account.manage"):
        accounts.create_account(story.db, story.actors[who], _new())
    assert log.current_size(story.db) == size


# ---- changing roles ------------------------------------------------------------------------------

def test_a_new_role_ends_the_sessions_and_is_recorded(story):
    signed = accounts.sign_in(story.db, "alice", PASSWORD, "10.0.0.1")
    size = log.current_size(story.db)
    account = accounts.set_role(story.db, story.judy, "alice", "official", org_unit_code="S1", reason="升任街道干部")
    assert (account.role, account.org_unit.code) == ("official", "S1")
    assert accounts.session_account(story.db, signed.token) is None
    assert log.current_size(story.db) == size + 1
    entry = story.db.scalars(select(LedgerEntry).order_by(LedgerEntry.idx.desc()).limit(1)).one()
    assert (entry.action, entry.object_type, entry.object_id) == ("account.permission_change", "account",
                                                                  str(account.id))
    assert "升任街道干部" in entry.text
    assert accounts.actor_of(account).covers(accounts.get_account(story.db, "carol").org_unit)


def test_a_role_change_is_checked_like_a_new_account(story):
    with pytest.raises(ValidationError, match="部门工作人员必须指定部门"):
        accounts.set_role(story.db, story.judy, "alice", "dept_staff")
    assert accounts.get_account(story.db, "alice").role == "reporter"


@pytest.mark.parametrize("who", ["alice", "carol", "heidi"])
def test_nobody_but_an_administrator_changes_roles(story, who):
    signed = accounts.sign_in(story.db, "bob", PASSWORD, "10.0.0.1")
    size = log.current_size(story.db)
    with pytest.raises(PermissionDenied):
        accounts.set_role(story.db, story.actors[who], "bob", "admin")
    assert accounts.get_account(story.db, "bob").role == "reporter"
    assert accounts.session_account(story.db, signed.token) is not None
    assert log.current_size(story.db) == size
