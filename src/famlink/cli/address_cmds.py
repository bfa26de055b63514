"""`famlink addresses`: how feed addresses matched the gazetteer, and the ones that did not."""

from __future__ import annotations

from pathlib import Path

import typer

from famlink.cli.console import (
    ProjectOption,
    console,
    friendly_errors,
    project_from,
    read_warehouse,
    summary_table,
)
from famlink.engine import table_exists
from famlink.errors import FamlinkError
from famlink.standardise.address_truth import AddressScore

METHODS_SQL = """
SELECT coalesce(method, 'unmatched: ' || reason), count(*), sum(n_records),
       round(avg(confidence), 3)
FROM address_matches GROUP BY 1 ORDER BY 3 DESC, 1
"""
UNMATCHED_SQL = """
SELECT address, coalesce(postcode, ''), coalesce(feed_uprn, ''), reason, candidates, n_records,
       array_to_string(feeds, ' ')
FROM unmatched_addresses WHERE (? IS NULL OR list_contains(feeds, ?))
ORDER BY n_records DESC, address_id LIMIT ?
"""


def print_address_scores(scores: list[AddressScore]) -> None:
    """The address table of `famlink evaluate` (nothing when there is nothing to score)."""
    if not scores:
        return
    console.print(summary_table("Addresses matched to the gazetteer, against ground truth", [
        (s.feed, s.rows, f"{s.matched_share:.1%}", f"{s.precision:.2%}", f"{s.recall:.2%}")
        for s in scores], columns=("feed", "rows with an address", "matched",
                                   "matched right", "rows given the true UPRN")))


def register(app: typer.Typer) -> None:
    @app.command()
    def addresses(project: Path | None = ProjectOption,
                  feed: str | None = typer.Option(None, help="Only addresses from this feed."),
                  limit: int = typer.Option(30, "--limit", "-n")) -> None:
        """How feed addresses matched the gazetteer, then the unmatched ones, most used first."""
        with friendly_errors(), read_warehouse(project_from(project)) as con:
            if not table_exists(con, "address_matches"):
                raise FamlinkError("no address matches yet: run `famlink run standardise`")
            methods = con.execute(METHODS_SQL).fetchall()
            unmatched = con.execute(UNMATCHED_SQL, [feed, feed, limit]).fetchall()
        console.print(summary_table("Addresses by how they matched", methods, columns=(
            "method", "addresses", "records", "mean confidence")))
        console.print(summary_table(
            "Unmatched addresses" + (f" in {feed}" if feed else ""), unmatched,
            columns=("address", "postcode", "feed UPRN", "reason", "candidates", "records",
                     "feeds")))
