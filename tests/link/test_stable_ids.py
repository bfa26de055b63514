from famlink.link.stable_ids import assign_person_ids, new_person_id


def test_rerun_from_scratch_gives_identical_ids():
    labels = {"a": "a", "b": "a", "c": "c"}
    first, _ = assign_person_ids(labels)
    again, _ = assign_person_ids(labels)
    assert first == again
    assert first["a"] == first["b"] == new_person_id("a")


def test_ids_survive_added_records_and_changed_cluster_keys():
    ids, _ = assign_person_ids({"b": "b", "c": "b", "d": "d"})
    # a new record "a" joins b's cluster and becomes its smallest id: the ID must not change
    new, events = assign_person_ids({"a": "a", "b": "a", "c": "a", "d": "d", "e": "e"}, ids)
    assert new["a"] == new["b"] == ids["b"] and new["d"] == ids["d"]
    assert [(e.event, e.records) for e in events] == [("created", 1)]


def test_merge_and_split_are_logged():
    old, _ = assign_person_ids({"a": "a", "b": "a", "c": "c", "d": "d", "e": "d", "f": "d"})
    # c joins a's person; d's person splits into {d, e} and {f}
    new, events = assign_person_ids({"a": "a", "b": "a", "c": "a", "d": "d", "e": "d",
                                     "f": "f"}, old)
    kinds = {(e.event, e.person_id, e.other_person_id) for e in events}
    assert ("merged", old["c"], old["a"]) in kinds
    assert ("split", old["d"], new["f"]) in kinds
    assert new["d"] == old["d"] and new["f"] not in old.values()


def test_withdrawn_records_retire_their_person():
    old, _ = assign_person_ids({"a": "a", "z": "z"})
    _, events = assign_person_ids({"a": "a"}, old)
    assert [(e.event, e.person_id) for e in events] == [("retired", old["z"])]


def test_larger_overlap_keeps_the_id_and_ties_are_deterministic():
    old, _ = assign_person_ids({"a": "a", "b": "a", "c": "a", "d": "a"})
    new, _ = assign_person_ids({"a": "a", "b": "b", "c": "b", "d": "b"}, old)
    assert new["b"] == old["a"] and new["a"] != old["a"]
