"""What the app holds while it runs: settings, the state database, the snapshot reader and
the scope cache. Built in ``create_app``, never at import."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine

from famlink.access.scope import ScopeCache
from famlink.web.reader import SnapshotReader
from famlink.web.settings import WebSettings


@dataclass
class Runtime:
    settings: WebSettings
    state: Engine
    reader: SnapshotReader
    scopes: ScopeCache = field(default_factory=ScopeCache)
