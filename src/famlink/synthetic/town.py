"""``generate_town``: build Northbeck, a synthetic town, as a complete famlink project.

    summary = generate_town(Path("town"), people=2000, seed=1)

writes ``famlink.yaml``, ``feeds/<feed>.yaml``, ``incoming/<feed>/...`` (the source files,
with errors) and ``truth/*.csv``. The same seed gives byte-identical files in any process.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from pathlib import Path

from famlink.synthetic.corruption import Corruptor, ErrorRates
from famlink.synthetic.dates import END
from famlink.synthetic.feeds import FEEDS
from famlink.synthetic.feeds.base import FeedContext
from famlink.synthetic.gazetteer import build_gazetteer
from famlink.synthetic.identifiers import IdAllocator
from famlink.synthetic.life_events import Life
from famlink.synthetic.model import Town
from famlink.synthetic.names import NameBank
from famlink.synthetic.needs import draw_needs
from famlink.synthetic.population import Population, populate
from famlink.synthetic.project_template import write_project
from famlink.synthetic.schools import build_schools, place_children
from famlink.synthetic.truth import TruthWriter, write_town_truth

__all__ = ["ErrorRates", "TownSummary", "build_town", "generate_town"]
INITIAL_SHARE = 0.86  # the rest are born or arrive during the window


@dataclass
class TownSummary:
    people: int
    households: int
    families: int
    records: dict[str, int] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def total_records(self) -> int:
        return sum(self.records.values())


def build_town(people: int, rng: random.Random) -> Town:
    """Simulate the town's people over the window; no files are written."""
    gazetteer = build_gazetteer(rng, max(60, int(people * 0.55)))
    town = Town(gazetteer=gazetteer, schools=build_schools(rng, people))
    pop = Population(rng, town, NameBank(), IdAllocator(rng))
    populate(pop, int(people * INITIAL_SHARE))
    Life(pop).run(people)
    place_children(rng, town)
    draw_needs(rng, town)
    return town


def generate_town(out: Path, people: int = 2000, seed: int = 1,
                  errors: ErrorRates | None = None, daily_days: int = 0) -> TownSummary:
    """Write the town's project. With ``daily_days``, the rows of the last days of the
    window are held back from ``incoming/`` and written as each day's delivery instead, to
    ``daily/<date>/<feed>/`` (everything else, the truth included, is the same town)."""
    started = time.perf_counter()
    errors = errors or ErrorRates()
    out = Path(out)
    rng = random.Random(seed)
    town = build_town(people, rng)
    files = write_project(out, FEEDS)
    truth = TruthWriter(out / "truth")
    summary = TownSummary(len(town.persons), len(town.households), len(town.families))
    for feed in FEEDS:
        feed_rng = random.Random(rng.getrandbits(64))
        ctx = FeedContext(feed.NAME, town, feed_rng,
                          Corruptor(errors, feed.QUALITY, random.Random(feed_rng.getrandbits(64))),
                          truth, out, daily_from=END - daily_days + 1 if daily_days else None)
        feed.generate(ctx)
        ctx.close()
        summary.records[feed.NAME] = ctx.records
        files.extend(ctx.files)
    files.extend(truth.close())
    files.extend(write_town_truth(town, out / "truth"))
    summary.files = files
    summary.seconds = time.perf_counter() - started
    return summary
