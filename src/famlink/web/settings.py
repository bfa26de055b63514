"""What the web app needs to start: the project, its state database, access.yaml, a secret."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from famlink.access.roles import AccessConfig, project_access
from famlink.link.decisions import state_url
from famlink.project import Project

SECRET_ENV = "FAMLINK_SECRET_KEY"


@dataclass(frozen=True)
class WebSettings:
    project: Project
    state_url: str
    access: AccessConfig
    secret_key: str
    secure_cookies: bool = False  # set when served over HTTPS (behind a proxy)

    @classmethod
    def for_project(cls, project: Project, *, secure_cookies: bool = False) -> WebSettings:
        return cls(project, state_url(project.root, project.settings.state_url),
                   project_access(project.root), secret_key(project.root), secure_cookies)


def secret_key(root: Path) -> str:
    """FAMLINK_SECRET_KEY, else a key kept in state/secret.key (made once, owner-only)."""
    if os.environ.get(SECRET_ENV):
        return os.environ[SECRET_ENV]
    path = root / "state" / "secret.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(48))
    return path.read_text(encoding="utf-8").strip()
