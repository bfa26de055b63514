"""Users, passwords (Argon2), sign-in throttling and sessions.

A session is a random token given to the browser (inside a signed cookie); the database keeps
only its SHA-256, so a copy of the database does not let anyone sign in. Sessions end after
a time without use and after a maximum age, whichever comes first.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, bindparam, func, select, update
from sqlalchemy.orm import Session as DbSession

from famlink.errors import FamlinkError
from famlink.state.models import LoginAttempt, Session, User

hasher = PasswordHasher()
MIN_PASSWORD = 12
# A hash to check against when the user does not exist, so both cases take as long.
_DUMMY = hasher.hash("famlink-no-such-user")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Account:
    user_id: int
    username: str
    role: str
    scope_value: str | None
    is_active: bool


def _account(user: User) -> Account:
    return Account(user.user_id, user.username, user.role, user.scope_value, user.is_active)


def new_password() -> str:
    return secrets.token_urlsafe(12)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise FamlinkError(f"passwords need at least {MIN_PASSWORD} characters")


def add_user(engine: Engine, username: str, role: str, password: str,
             scope_value: str | None = None, email: str | None = None) -> Account:
    _check_password(password)
    username = username.strip().lower()
    if not username:
        raise FamlinkError("give a user name")
    with DbSession(engine) as db, db.begin():
        if db.scalar(select(User).where(User.username == username)) is not None:
            raise FamlinkError(f"user {username!r} already exists: use `famlink users reset` "
                               "to give them a new password")
        user = User(username=username, role=role, scope_value=scope_value,
                    password_hash=hasher.hash(password), is_active=True, created_at=now(),
                    password_set_at=now(), email=_email(email))
        db.add(user)
        db.flush()
        return _account(user)


def _email(email: str | None) -> str | None:
    if email is None or not email.strip():
        return None
    email = email.strip()
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email) or len(email) > 320:
        raise FamlinkError(f"{email!r} is not an e-mail address")
    return email


def set_email(engine: Engine, username: str, email: str | None) -> None:
    with DbSession(engine) as db, db.begin():
        _get(db, username).email = _email(email)


def emails(engine: Engine) -> dict[str, str]:
    """Active users' e-mail addresses, by user name."""
    with DbSession(engine) as db:
        return {u.username: u.email for u in db.scalars(
            select(User).where(User.is_active, User.email.is_not(None))) if u.email}


def _get(db: DbSession, username: str) -> User:
    user = db.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise FamlinkError(f"no user {username!r}: see `famlink users list`")
    return user


def set_active(engine: Engine, username: str, active: bool) -> Account:
    """Disabling a user also ends every session they have."""
    with DbSession(engine) as db, db.begin():
        user = _get(db, username)
        user.is_active = active
        if not active:
            db.execute(update(Session).where(Session.user_id == user.user_id,
                                             Session.ended_at.is_(None)).values(ended_at=now()))
        return _account(user)


def reset_password(engine: Engine, username: str, password: str) -> Account:
    _check_password(password)
    with DbSession(engine) as db, db.begin():
        user = _get(db, username)
        user.password_hash, user.password_set_at = hasher.hash(password), now()
        db.execute(update(Session).where(Session.user_id == user.user_id,
                                         Session.ended_at.is_(None)).values(ended_at=now()))
        return _account(user)


def list_users(engine: Engine) -> list[Account]:
    with DbSession(engine) as db:
        return [_account(u) for u in db.scalars(select(User).order_by(User.username))]


def recent_failures(engine: Engine, username: str, client: str, window: dt.timedelta) -> int:
    """Failed sign-ins for this user name or from this client within the window."""
    since = now() - window
    with DbSession(engine) as db:
        query = select(func.count()).select_from(LoginAttempt).where(
            LoginAttempt.attempted_at >= since, LoginAttempt.is_success.is_(False),
            (LoginAttempt.username == username.strip().lower()) | (LoginAttempt.client == client))
        return int(db.scalar(query) or 0)


def authenticate(engine: Engine, username: str, password: str, client: str) -> Account | None:
    """The account if the password is right and the user active; every attempt is recorded."""
    name = username.strip().lower()
    with DbSession(engine) as db, db.begin():
        user = db.scalar(select(User).where(User.username == name))
        ok = False
        try:
            ok = hasher.verify(user.password_hash if user else _DUMMY, password)
        except (VerificationError, InvalidHashError):
            ok = False
        ok = ok and user is not None and user.is_active
        db.add(LoginAttempt(username=name[:200], client=client[:100], attempted_at=now(),
                            is_success=ok))
        if ok and user is not None and hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hasher.hash(password)
        return _account(user) if ok and user is not None else None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def start_session(engine: Engine, account: Account, max_age: dt.timedelta) -> tuple[str, str]:
    """A new session: returns (token for the cookie, CSRF token for forms)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    start = now()
    with DbSession(engine) as db, db.begin():
        db.add(Session(session_id=_digest(token), user_id=account.user_id, csrf_token=csrf,
                       created_at=start, last_seen_at=start, expires_at=start + max_age))
    return token, csrf


@dataclass(frozen=True)
class LiveSession:
    account: Account
    csrf_token: str


TOUCH_EVERY = dt.timedelta(seconds=30)  # last_seen_at is written at most this often
# Built once (every request runs them): SQLAlchemy then reuses their compiled form.
_RESUME = (select(Session.last_seen_at, Session.expires_at, Session.ended_at,
                  Session.csrf_token, User.user_id, User.username, User.role,
                  User.scope_value, User.is_active)
           .join(User, User.user_id == Session.user_id)
           .where(Session.session_id == bindparam("digest")))
_TOUCH = (update(Session).where(Session.session_id == bindparam("digest"))
          .values(last_seen_at=bindparam("at")))


def resume_session(engine: Engine, token: str, idle: dt.timedelta) -> LiveSession | None:
    """The session's account if the session is open, not idle too long and not expired.

    One read per request (a disabled user or an ended session is refused at once); the
    last-seen time is written only when it is older than ``TOUCH_EVERY``, so the idle limit
    is kept to within that."""
    at, digest = now(), _digest(token)
    with engine.connect() as conn:
        row = conn.execute(_RESUME, {"digest": digest}).first()
        if row is None:
            return None
        if (row.ended_at is not None or not row.is_active or at >= row.expires_at
                or at - row.last_seen_at > idle):
            return None
        if at - row.last_seen_at > TOUCH_EVERY:
            conn.execute(_TOUCH, {"digest": digest, "at": at})
            conn.commit()
    return LiveSession(Account(row.user_id, row.username, row.role, row.scope_value,
                               row.is_active), row.csrf_token)


def end_session(engine: Engine, token: str) -> None:
    with DbSession(engine) as db, db.begin():
        db.execute(update(Session).where(Session.session_id == _digest(token))
                   .values(ended_at=now()))
