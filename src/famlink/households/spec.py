"""What a feed says about where people live and how they are related, declared in its mapping.

``residence:`` tells how long a row's address is evidence of living there: by default a row
is evidence on its event date only (a census return, an attendance at A&E); a feed whose rows
carry a period (a council tax liability, a tenancy, a benefit claim) names the fields that
start and end it, and an open end means still living there.

``relationships:`` lists the rules that turn rows into stated relationships:

- ``within`` + ``roles``: rows sharing the field (a claim, tenancy or incident reference) with
  the two roles are related, e.g. roles ``[claimant, dependant]`` -> ``parent`` (the first is
  the parent of the second);
- ``map`` (with ``ref`` and ``via``): a row naming another row's ``person_ref`` in
  ``related_person_ref``, with the word in ``relationship`` saying what this row's person is to
  the other, e.g. ``{Mother: parent, Sister: sibling, Partner: partner, Son: child}``.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Kind = Literal["parent", "child", "partner", "sibling"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Residence(_Strict):
    start: str = Field("event_date", description="the field a row's residence starts on")
    end: str | None = Field(None, description="the field it ends on; blank = still there. "
                            "Not given: the row is evidence on its start date only")


class RelationshipRule(_Strict):
    within: str | None = Field(None, description="rows sharing this field name related people")
    roles: list[str] | None = Field(None, description="[role of A, role of B] within the group")
    ref: str = Field("related_person_ref", description="the field naming the other person")
    via: str = Field("relationship", description="the field saying how this row's person is "
                     "related to the other")
    map: dict[str, Kind | None] | None = Field(
        None, description="relationship words -> parent, child, partner or sibling (what this "
        "row's person is to the other); a word mapped to null is ignored")
    relationship: Kind | None = Field(None, description="for within: what A is to B")
    where: dict[str, list[str]] = Field(
        default_factory=dict, description="only rows whose field has one of these values, "
        "e.g. {event_subtype: [domestic_abuse]}")
    confidence: float = Field(0.9, gt=0, le=1, description="how far the source is trusted")
    min_age_gap: int | None = Field(
        None, ge=0, le=80, description="for parent/child: only when the parent is at least this "
        "many years older (a 'household member' on a tenancy may be a child or another adult)")

    @model_validator(mode="after")
    def _one_kind(self) -> RelationshipRule:
        if self.within is not None:
            if not self.roles or len(self.roles) != 2 or self.relationship is None:
                raise ValueError("a 'within' rule needs roles: [role A, role B] and "
                                 "relationship: parent, child, partner or sibling")
            if self.map is not None:
                raise ValueError("give either 'within' (roles on one claim, tenancy or "
                                 "incident) or 'map' (rows naming another person), not both")
        elif self.map is None:
            raise ValueError("give 'within' with roles and relationship, or 'map' for rows "
                             "that name another person in related_person_ref")
        return self

    def fields(self) -> list[str]:
        own = [self.within, "role"] if self.within is not None else [self.ref, self.via,
                                                                      "person_ref"]
        return [*own, *self.where]


class HouseholdSettings(_Strict):
    """``households:`` in famlink.yaml."""

    as_of: dt.date | None = Field(None, description="the date households and families are "
                                  "built for; default the project's reference_date, or today")
    point_evidence_days: int = Field(
        730, ge=1, description="how long a dated row (census, A&E) counts as evidence of "
        "still living at its address when nothing newer says otherwise")
    reliability_days: int = Field(
        365, ge=0, description="how many days of recency a fully reliable feed outweighs an "
        "unreliable one by (reliability 1.0 vs 0.0) when two addresses compete")
    adult_age: int = Field(18, ge=10, le=25, description="age from which a person is an adult")
    young_adult_age: int = Field(
        25, ge=18, le=40, description="a son or daughter up to this age living with a parent "
        "stays in the family")
    parent_age_gap: tuple[int, int] = Field(
        (15, 50), description="years a parent is older than a child, to infer parenthood "
        "from a shared home when no feed states it")
