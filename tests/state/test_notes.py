"""Notes are kept per subject and read only by the roles they were shared with."""

from __future__ import annotations

import pytest

from famlink.errors import FamlinkError
from famlink.state.notes import add_note, notes_for


def test_notes_are_visible_to_the_chosen_roles_only(state):
    add_note(state, "person", "P1", "Visited on Monday", "alice", "early_help", ["school_dsl"])
    add_note(state, "person", "P1", "Police only", "bob", "police", [])
    add_note(state, "family", "P1", "Not the person", "alice", "early_help", [])
    assert [n.body for n in notes_for(state, "person", "P1", "school_dsl")] == [
        "Visited on Monday"]
    assert [n.body for n in notes_for(state, "person", "P1", "police")] == ["Police only"]
    assert notes_for(state, "person", "P1", "health") == []


def test_an_empty_note_is_refused_and_stores_nothing(state):
    with pytest.raises(FamlinkError, match="empty"):
        add_note(state, "person", "P1", "   ", "alice", "early_help", [])
    assert notes_for(state, "person", "P1", "early_help") == []
