import duckdb
import pytest

from famlink.link.evaluate import score


def _tables(pred: dict[str, str], truth: dict[str, str]):
    con = duckdb.connect()
    con.execute("CREATE TABLE pred (record_id VARCHAR, person_id VARCHAR)")
    con.execute("CREATE TABLE truth (record_id VARCHAR, true_person_id VARCHAR)")
    con.executemany("INSERT INTO pred VALUES (?, ?)", list(pred.items()))
    con.executemany("INSERT INTO truth VALUES (?, ?)", list(truth.items()))
    return con


def test_perfect_match():
    labels = {"a": "1", "b": "1", "c": "2"}
    s = score(_tables(labels, labels), "pred", "truth")
    assert (s.precision, s.recall, s.f1, s.bcubed_f1) == (1.0, 1.0, 1.0, 1.0)
    assert (s.over_merged, s.split) == (0, 0)


def test_over_merge_and_split_counts():
    # truth: {a,b,c} {d} ; predicted: {a,b} {c,d}
    s = score(_tables({"a": "P", "b": "P", "c": "Q", "d": "Q"},
                      {"a": "T1", "b": "T1", "c": "T1", "d": "T2"}), "pred", "truth")
    assert (s.true_pairs, s.predicted_pairs, s.correct_pairs) == (3, 2, 1)
    assert s.precision == pytest.approx(0.5) and s.recall == pytest.approx(1 / 3)
    assert s.f1 == pytest.approx(0.4)
    # B-cubed precision: a,b 1; c,d 1/2 -> 3/4. recall: a,b 2/3; c 1/3; d 1 -> 2/3
    assert s.bcubed_precision == pytest.approx(0.75)
    assert s.bcubed_recall == pytest.approx(2 / 3)
    assert (s.over_merged, s.split) == (1, 1)
    assert s.worst_merges == [("Q", 2, 2)] and s.worst_splits == [("T1", 2, 3)]
