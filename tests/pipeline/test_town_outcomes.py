"""The outcomes stage on the seeded town, end to end: flags traceable to source rows,
eligibility per family, scores that add up, claims, returns, and a rerun that changes
nothing."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

from typer.testing import CliRunner

from famlink.access import audit
from famlink.cli.main import app
from famlink.engine import connect
from famlink.households.stage import as_of_date
from famlink.link.decisions import project_state
from famlink.pipeline import run_stages
from famlink.returns.log import returns_history
from famlink.rules.rulebook import project_rulebook
from famlink.rules.truth import evaluate_eligibility, need_recall
from famlink.state.db import project_app_state

runner = CliRunner()
TABLES = ("family_flags", "flag_evidence", "eligibility", "family_scores", "family_progress",
          "claims", "claim_evidence")


def _snapshot(con) -> dict[str, list[tuple]]:
    return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES}


def test_every_flag_is_traceable_to_source_rows(linked_town):
    con = connect(linked_town.warehouse_path, read_only=True)
    try:
        [(flags, without, families, eligible_rows)] = con.execute("""
            SELECT (SELECT count(*) FROM family_flags),
                   (SELECT count(*) FROM family_flags f WHERE NOT EXISTS (
                        SELECT 1 FROM flag_evidence v WHERE v.family_id = f.family_id
                        AND v.need = f.need
                        AND (f.person_id IS NULL OR v.person_id = f.person_id))),
                   (SELECT count(*) FROM families), (SELECT count(*) FROM eligibility)
        """).fetchall()
        assert flags > 0 and without == 0 and eligible_rows == families
        untraced = con.execute("""
            SELECT count(*) FROM flag_evidence v LEFT JOIN person_records r
              ON r.record_id = v.record_id AND r.feed = v.feed
              AND r.source_record_id = v.source_record_id
            WHERE r.record_id IS NULL""").fetchall()[0][0]
        assert untraced == 0
        bad_scores = con.execute("""
            SELECT count(*) FROM family_scores s WHERE s.score <> (
                SELECT sum(w) FROM (SELECT CAST(regexp_extract(part, ' ([0-9.]+)$', 1)
                                         AS DOUBLE) AS w
                                    FROM unnest(string_split(split_part(s.explanation,
                                         ' = ', 1), ' + ')) t(part)))""").fetchall()[0][0]
        assert bad_scores == 0
        statuses = {r[0] for r in con.execute("SELECT status FROM claims").fetchall()}
        assert statuses and statuses <= {"open", "not_eligible_at_baseline", "not_resolved",
                                         "not_sustained", "resolved_not_yet_sustained",
                                         "claimable"}
    finally:
        con.close()


def test_rerun_is_idempotent_and_scored_against_truth(town_copy):
    con = connect(town_copy.warehouse_path)
    try:
        before = _snapshot(con)
        [result] = run_stages(town_copy, con, ["outcomes"], lambda *a: None)
        assert result.ok and result.counts["needs found (flags)"] == len(before["family_flags"])
        assert _snapshot(con) == before
        book, ref = project_rulebook(town_copy.root), as_of_date(town_copy)
        scores = evaluate_eligibility(con, town_copy.root / "truth", book, ref)
        assert scores.true_families > 100
        assert scores.predicted_eligible == sum(1 for r in before["eligibility"] if r[-2])
        recall = {k.kind: k for k in need_recall(con, town_copy.root / "truth", book, ref)}
        assert set(recall) == {k for n in book.needs.values() for k in n.truth_kinds}
        assert all(0 <= k.found <= k.active for k in recall.values())
        assert recall["worklessness"].recall > 0.6  # claims are well evidenced
    finally:
        con.close()


def test_cli_outcomes_needs_cohorts_and_returns(town_copy, tmp_path):
    project = str(town_copy.root)
    ranked = runner.invoke(app, ["outcomes", "-p", project, "-s", "safeguarding", "-n", "3"])
    assert ranked.exit_code == 0, ranked.output
    assert "Families ranked by scenario safeguarding" in ranked.output
    con = connect(town_copy.warehouse_path, read_only=True)
    try:
        family = con.execute("SELECT family_id FROM family_flags GROUP BY 1 "
                             "ORDER BY count(*) DESC, 1 LIMIT 1").fetchall()[0][0]
    finally:
        con.close()
    shown = runner.invoke(app, ["needs", family, "-p", project])
    assert shown.exit_code == 0 and family in shown.output and "evidence" in shown.output
    missing = runner.invoke(app, ["needs", "FNOPE", "-p", project])
    assert missing.exit_code == 1 and "no family FNOPE" in missing.output
    unknown = runner.invoke(app, ["outcomes", "-p", project, "-s", "nope"])
    assert unknown.exit_code == 1 and "choose from early_help" in unknown.output
    for by in ("area", "age_band"):
        result = runner.invoke(app, ["cohorts", "-p", project, "--by", by])
        assert result.exit_code == 0 and f"Cohorts by {by}" in result.output
    out = tmp_path / "returns"
    made = runner.invoke(app, ["returns", "-p", project, "--out", str(out), "--by", "auditor"])
    assert made.exit_code == 0, made.output
    log = returns_history(project_state(town_copy))
    assert [r.template for r in log] == list(project_rulebook(town_copy.root).returns)
    audited = audit.entries(project_app_state(town_copy), action="produce_return")
    assert sorted((e.username, e.subject_id) for e in audited) == sorted(
        ("auditor", r.template) for r in log)
    for record in log:
        assert record.produced_by == "auditor"
        body = Path(record.csv_path).read_bytes()
        assert hashlib.sha256(body).hexdigest() == record.csv_sha256
        with open(record.csv_path, newline="") as fh:
            rows = list(csv.reader(fh))
        assert len(rows) == record.rows + 1 and rows[0][-1] == "Evidence"
