"""Print the results in benchmarks/out/*.json as the markdown tables of docs/benchmarks.md.

For each town size, peer town and FEBRL dataset the newest run is used. Ratios are
famlink / peer: F1 above 1 means famlink is more accurate, time below 1 means it is faster.
On the town famlink's time is standardise + link (the peers are given the standardised
records, so this counts work they are spared); on FEBRL it is ingest + standardise + link.

    .venv/bin/python benchmarks/report.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import OUT


def newest(kind: str, key: str, items: str) -> dict[Any, tuple[dict[str, Any], dict[str, Any]]]:
    """{key value: (run, machine)} over every out/<kind>-<stamp>.json, newest file winning."""
    found: dict[Any, tuple[dict[str, Any], dict[str, Any]]] = {}
    for path in sorted(OUT.glob(f"{kind}-2*.json")):
        data = json.loads(path.read_text())
        for run in data.get(items, []):
            found[run[key]] = (run, data["machine"])
    return found


def commit(m: dict[str, Any]) -> str:
    return str(m.get("git", {}).get("commit", "?"))


def kept(scores: dict[str, Any], kind: str) -> str:
    h = scores["hard_cases"].get(kind)
    return f"{h['pairs'] - h['wrongly_merged']}/{h['pairs']}" if h else "-"


def town_table() -> None:
    print("| people | person records | ingest s | standardise s | link s | pipeline s "
          "| standardise+link s | peak MB | precision | recall | F1 | B-cubed F1 "
          "| twins kept apart | fathers/sons kept apart | commit |")
    print("|" + "---|" * 15)
    for people, (r, m) in sorted(newest("town", "people", "runs").items()):
        if r["failed"]:
            st = r["steps"]
            times = [f"{st[k]['seconds']} (peak {st[k]['peak_rss_mb']:,} MB)"
                     + (f", FAILED rc={st[k]['returncode']}" if st[k]["returncode"] else "")
                     if k in st else "-" for k in ("ingest", "standardise", "link")]
            print(f"| {people:,} | - | " + " | ".join(times) + " |" + " - |" * 9
                  + f" {commit(m)} |")
            continue
        s, st = r["scores"], r["steps"]
        print(f"| {people:,} | {s['person_records']:,} | {st['ingest']['seconds']} "
              f"| {st['standardise']['seconds']} | {st['link']['seconds']} "
              f"| {r['pipeline_seconds']} | {r['standardise_link_seconds']} "
              f"| {r['peak_rss_mb']:,} | {s['precision']:.4f} | {s['recall']:.4f} "
              f"| {s['f1']:.4f} | {s['bcubed_f1']:.4f} | {kept(s, 'twins')} "
              f"| {kept(s, 'father and son with the same name')} | {commit(m)} |")


def households_table() -> None:
    print("| people | households s | chronology s | households+chronology s | addresses matched "
          "| rows given the true UPRN | household P / R / F1 (ARI) "
          "| family P / R / F1 (ARI) | commit |")
    print("|" + "---|" * 9)
    for people, (r, m) in sorted(newest("town", "people", "runs").items()):
        s = r.get("scores", {})
        if "groups" not in s:
            continue
        st, a = r["steps"], s["addresses"].get("all", {})
        h, f = s["groups"]["households"], s["groups"]["families"]
        print(f"| {people:,} | {st['households']['seconds']} | {st['chronology']['seconds']} "
              f"| {r['households_chronology_seconds']} | {a.get('matched_share', 0):.2%} "
              f"| {a.get('recall', 0):.2%} | {h['precision']:.3f} / {h['recall']:.3f} / "
              f"{h['f1']:.4f} ({h['ari']:.3f}) | {f['precision']:.3f} / {f['recall']:.3f} / "
              f"{f['f1']:.4f} ({f['ari']:.3f}) | {commit(m)} |")


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b else "-"


def tool_rows(famlink: dict[str, Any], rows: list[dict[str, Any]], hard: bool) -> None:
    for r in rows:
        if "scores" not in r:
            print(f"| {r['peer']} | {r['seconds']} | {r['peak_rss_mb']:,} "
                  f"| {r.get('error', 'failed')} |" + " |" * (8 if hard else 6))
            continue
        s = r["scores"]
        cells = [r["peer"], r["seconds"], f"{r['peak_rss_mb']:,}", f"{s['precision']:.4f}",
                 f"{s['recall']:.4f}", f"{s['f1']:.4f}", f"{s['bcubed_f1']:.4f}"]
        if hard:
            cells += [kept(s, "twins"), kept(s, "father and son with the same name")]
        cells += [ratio(famlink["f1"], s["f1"]), ratio(famlink["seconds"], r["seconds"])]
        print("| " + " | ".join(map(str, cells)) + " |")


def peers_tables() -> None:
    towns = newest("town", "people", "runs")
    for people, (r, m) in sorted(newest("peers", "people", "towns").items()):
        if people not in towns or "scores" not in towns[people][0]:
            continue
        t = towns[people][0]
        peak = max(t["steps"][s]["peak_rss_mb"] for s in ("standardise", "link"))
        famlink = {"peer": "famlink (standardise + link)", "peak_rss_mb": peak,
                   "seconds": t["standardise_link_seconds"], "scores": t["scores"]}
        print(f"\n**Town of {people:,} people** (peers run {m['date']}, "
              f"commit {commit(m)})\n")
        print("| tool | seconds | peak MB | precision | recall | F1 | B-cubed F1 "
              "| twins kept apart | fathers/sons kept apart | famlink F1 / tool F1 "
              "| famlink time / tool time |")
        print("|" + "---|" * 11)
        ref = {"f1": t["scores"]["f1"], "seconds": famlink["seconds"]}
        tool_rows(ref, [famlink, *r["peers"]], hard=True)


def febrl_tables() -> None:
    for name, (r, m) in sorted(newest("febrl", "dataset", "datasets").items()):
        print(f"\n**{name}**: {r['records']:,} records, target F1 >= {r['target_f1']} "
              f"(run {m['date']}, commit {commit(m)})\n")
        print("| tool | seconds | peak MB | precision | recall | F1 | B-cubed F1 "
              "| famlink (febrl) F1 / tool F1 | famlink (febrl) time / tool time |")
        print("|" + "---|" * 9)
        ours = [f for f in r["famlink"] if "scores" in f]
        ref = next((f for f in ours if "febrl" in f["peer"]), ours[0] if ours else None)
        if ref:
            tool_rows({"f1": ref["scores"]["f1"], "seconds": ref["seconds"]},
                      [*r["famlink"], *r["peers"]], hard=False)


def main() -> None:
    print("### Synthetic town: famlink\n")
    town_table()
    print("\n### Synthetic town: addresses, households, families and chronology\n")
    households_table()
    print("\n### Synthetic town: peers on the same records")
    peers_tables()
    print("\n### FEBRL")
    febrl_tables()


if __name__ == "__main__":
    main()
