"""The app-state tables, as SQLAlchemy 2 models. The migrations in ``migrations/`` create
them; these classes are what the code reads and writes. ``match_decisions`` is owned by
``famlink.link.decisions`` and created by the same migrations."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    user_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    role: Mapped[str] = mapped_column(String(100), nullable=False)
    scope_value: Mapped[str | None] = mapped_column(String(200))  # e.g. the school's LAESTAB
    password_hash: Mapped[str] = mapped_column(String(500), nullable=False)
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    password_set_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    email: Mapped[str | None] = mapped_column(String(320))  # for notices to sign in, only


class Session(Base):
    __tablename__ = "sessions"
    session_id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of token
    user_id: Mapped[int] = mapped_column(ForeignKey("users.user_id"), nullable=False, index=True)
    csrf_token: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class LoginAttempt(Base):
    __tablename__ = "login_attempts"
    attempt_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(200), nullable=False, index=True)
    client: Mapped[str] = mapped_column(String(100), nullable=False, index=True)
    attempted_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, index=True)
    is_success: Mapped[bool] = mapped_column(Boolean, nullable=False)


class Note(Base):
    __tablename__ = "notes"
    note_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    subject_kind: Mapped[str] = mapped_column(String(20), nullable=False)  # person | family
    subject_id: Mapped[str] = mapped_column(String(100), nullable=False, index=True)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    author: Mapped[str] = mapped_column(String(200), nullable=False)
    author_role: Mapped[str] = mapped_column(String(100), nullable=False)
    visible_to: Mapped[str] = mapped_column(String(1000), nullable=False)  # roles, comma list
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)


class AlertAck(Base):
    __tablename__ = "alert_acks"
    ack_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    alert_id: Mapped[str] = mapped_column(String(100), nullable=False, index=True)
    username: Mapped[str] = mapped_column(String(200), nullable=False)
    acknowledged_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")


class AlertNotice(Base):
    """An e-mail notice told this user that this alert was waiting (never its content)."""

    __tablename__ = "alert_notices"
    notice_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(200), nullable=False, index=True)
    alert_id: Mapped[str] = mapped_column(String(100), nullable=False, index=True)
    sent_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)


class AuditEntry(Base):
    __tablename__ = "audit_log"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, index=True)
    username: Mapped[str] = mapped_column(String(200), nullable=False)
    role: Mapped[str] = mapped_column(String(100), nullable=False)
    action: Mapped[str] = mapped_column(String(50), nullable=False)
    subject_kind: Mapped[str | None] = mapped_column(String(20))
    subject_id: Mapped[str | None] = mapped_column(String(200), index=True)
    detail: Mapped[str] = mapped_column(Text, nullable=False, default="{}")  # JSON
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    prev_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    entry_hash: Mapped[str] = mapped_column(String(64), nullable=False)
