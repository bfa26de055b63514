"""What every feed generator gets: the town, its own random stream, an error model tuned
to the feed's quality, and the truth writer that every row is reported to."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from famlink.synthetic.corruption import Corruptor
from famlink.synthetic.model import Person, Town
from famlink.synthetic.truth import TruthWriter


class Sink(Protocol):
    path: Path

    def write(self, row: Any) -> None: ...

    def sibling(self, path: Path) -> Sink: ...

    def close(self) -> None: ...


@dataclass
class FeedContext:
    name: str
    town: Town
    rng: random.Random
    corrupt: Corruptor
    truth: TruthWriter
    project: Path
    records: int = 0
    files: list[Path] = field(default_factory=list)
    sinks: dict[str, Sink] = field(default_factory=dict)
    daily_from: int | None = None  # rows dated on or after this day go to daily/<date>/

    @property
    def incoming(self) -> Path:
        return self.project / "incoming" / self.name

    def open(self, key: str, sink: Sink) -> Sink:
        self.sinks[key] = sink
        self.files.append(sink.path)
        return sink

    def emit(self, sink: Sink, row: Any, record_id: str, person: Person | None, o: int,
             uprn: int | None = None) -> None:
        """Write ``row`` and its truth; ``uprn``: the address written on the row, if any."""
        if self.daily_from is not None and o >= self.daily_from:
            sink = self._daily(sink, o)
        sink.write(row)
        self.truth.record(self.name, record_id, person, o, uprn)
        self.records += 1

    def _daily(self, sink: Sink, o: int) -> Sink:
        """The file of day ``o`` beside ``sink``'s, as the feed would deliver that day."""
        day = date.fromordinal(o).isoformat()
        key = f"{sink.path}@{day}"
        if key not in self.sinks:
            name = f"{sink.path.stem}-{day}{sink.path.suffix}"
            self.open(key, sink.sibling(self.project / "daily" / day / self.name / name))
        return self.sinks[key]

    def close(self) -> None:
        for sink in self.sinks.values():
            sink.close()


class Counter:
    """Sequential references such as ``ATT0000001``."""

    def __init__(self, prefix: str, width: int = 7, start: int = 0):
        self.prefix, self.width, self.n = prefix, width, start

    def next(self) -> str:
        self.n += 1
        return f"{self.prefix}{self.n:0{self.width}d}"
