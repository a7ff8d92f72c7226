"""The one throttle in front of every password check.

Failed checks are counted per e-mail address *and* client address: after
``LOGIN_MAX_FAILURES`` free tries that client waits ``LOGIN_DELAY_SECONDS``, then
twice as long after each further failure, up to ``LOGIN_LOCK_MINUTES``. Another
client (the owner at home) is not held up by it. Failures over all clients are
counted too: at ``LOGIN_ACCOUNT_MAX_FAILURES`` the account is locked for
``LOGIN_ACCOUNT_LOCK_HOURS``, a lock the owner lifts at once with a password
reset link. Counters are bumped with one ``INSERT … ON CONFLICT`` so that
simultaneous attempts never collide.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from core.auth import passwords
from core.extensions import db
from core.models import LoginThrottle, utcnow
from core.securitylog import client_ip, security_event

ALL_CLIENTS = "*"


@dataclass(frozen=True)
class Verdict:
    """The answer of ``check``: ``ok`` when the password matched; otherwise
    ``wait`` seconds (0: the password was wrong; more: not even checked) and
    ``account_locked`` when only a reset link lets the owner in before then."""

    ok: bool
    wait: int = 0
    account_locked: bool = False

    @property
    def minutes(self) -> int:
        """The wait in whole minutes, at least one."""
        return max(1, -(-self.wait // 60))


def _insert() -> Any:
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(LoginThrottle.__table__)


def _bump(email: str, ip: str) -> int:
    """Count one failure; the new count."""
    table, now = LoginThrottle.__table__, utcnow()
    stmt = _insert().values(email=email, ip=ip, failures=1, updated_at=now)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.email, table.c.ip],
        set_={"failures": table.c.failures + 1, "updated_at": now},
    ).returning(table.c.failures)
    return db.session.execute(stmt).scalar_one()


def _lock(email: str, ip: str, seconds: float, *, restart: bool = False) -> None:
    values: dict[str, Any] = {"locked_until": utcnow() + timedelta(seconds=seconds)}
    if restart:
        values["failures"] = 0
    db.session.execute(db.update(LoginThrottle).where(
        LoginThrottle.email == email, LoginThrottle.ip == ip).values(**values))


def state(email: str) -> Verdict | None:
    """None when ``email`` may try a password from this client now, else the wait."""
    now = utcnow()
    rows = db.session.execute(db.select(LoginThrottle.ip, LoginThrottle.locked_until).where(
        LoginThrottle.email == email, LoginThrottle.ip.in_((client_ip(), ALL_CLIENTS)),
        LoginThrottle.locked_until > now)).all()
    if not rows:
        return None
    until = max(row.locked_until for row in rows)
    locked = any(row.ip == ALL_CLIENTS for row in rows)
    return Verdict(False, max(1, int((until - now).total_seconds())), locked)


def record_failure(email: str, **log: Any) -> None:
    """Count a wrong password for ``email`` from this client; start a wait when due
    (``log``: more fields for the security log)."""
    cfg = current_app.config
    ip = client_ip()
    mine = _bump(email, ip)
    overall = _bump(email, ALL_CLIENTS)
    free = cfg["LOGIN_MAX_FAILURES"]
    if mine >= free:
        delay = min(cfg["LOGIN_DELAY_SECONDS"] * 2 ** (mine - free),
                    cfg["LOGIN_LOCK_MINUTES"] * 60)
        _lock(email, ip, delay)
        security_event("password.throttled", "throttled", email=email, failures=mine,
                       wait=int(delay), **log)
    if overall >= cfg["LOGIN_ACCOUNT_MAX_FAILURES"]:
        _lock(email, ALL_CLIENTS, cfg["LOGIN_ACCOUNT_LOCK_HOURS"] * 3600, restart=True)
        security_event("account.locked", "locked", email=email, failures=overall, **log)


def clear(email: str, *, everywhere: bool = False) -> None:
    """Forget the failures of ``email`` from this client and the overall count
    (``everywhere``: from every client too, as a used reset link does)."""
    query = db.delete(LoginThrottle).where(LoginThrottle.email == email)
    if not everywhere:
        query = query.where(LoginThrottle.ip.in_((client_ip(), ALL_CLIENTS)))
    db.session.execute(query)


def check(email: str, user: Any, password: str, *, purpose: str) -> Verdict:
    """Check ``password`` against the password of ``user`` (None: no such account,
    answered as slowly) behind the throttle for ``email``, and log a refusal. The
    caller commits. ``purpose`` names the form for the log (``login``, ``password``…)."""
    email = email.strip().lower()
    pw_hash = getattr(user, "password_hash", None)
    who = {"user": user.id} if user is not None else {}
    waiting = state(email)
    if waiting is not None:
        passwords.burn_time(password)
        security_event(f"{purpose}.throttled", "throttled", email=email, wait=waiting.wait,
                       **who)
        return waiting
    if pw_hash:
        ok = passwords.check_password(pw_hash, password)
    else:
        passwords.burn_time(password)
        ok = False
    if ok:
        clear(email)
        return Verdict(True)
    security_event(f"{purpose}.failed", "failure", email=email, **who)
    record_failure(email, **who)
    return Verdict(False)
