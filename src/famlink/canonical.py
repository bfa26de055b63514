"""The canonical schema: every field a feed mapping may fill, with its type and meaning.

A feed mapping (``feeds/NAME.yaml``) names canonical fields as its keys. Fields that no
canonical name covers go in as extras, named ``x_<something>``, kept as text unless a
``parse`` says otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

SqlType = Literal["VARCHAR", "DATE", "TIMESTAMP", "BIGINT", "DOUBLE", "BOOLEAN"]


@dataclass(frozen=True)
class CanonicalField:
    name: str
    default_parse: str
    meaning: str


_FIELDS = [
    # who
    CanonicalField("person_ref", "text", "the source system's own id for the person"),
    CanonicalField("title", "text", "Mr, Mrs, Dr ..."),
    CanonicalField("first_name", "text", "given name"),
    CanonicalField("middle_names", "text", "middle names"),
    CanonicalField("surname", "text", "family name"),
    CanonicalField("former_surname", "text", "previous family name"),
    CanonicalField("preferred_name", "text", "preferred or known-as name"),
    CanonicalField("full_name", "text", "the whole name in one field (see split:)"),
    CanonicalField("date_of_birth", "date", "date of birth"),
    CanonicalField("sex", "text", "sex or gender as recorded"),
    CanonicalField("nhs_number", "nhs_number", "NHS number"),
    CanonicalField("upn", "upn", "Unique Pupil Number"),
    CanonicalField("former_upn", "upn", "a previous Unique Pupil Number"),
    CanonicalField("ni_number", "ni_number", "National Insurance number"),
    CanonicalField("phone", "text", "telephone number"),
    CanonicalField("email", "text", "email address"),
    # where
    CanonicalField("uprn", "uprn", "Unique Property Reference Number"),
    CanonicalField("address", "text", "the whole address in one field"),
    CanonicalField("address_line_1", "text", "address line 1"),
    CanonicalField("address_line_2", "text", "address line 2"),
    CanonicalField("address_line_3", "text", "address line 3"),
    CanonicalField("address_line_4", "text", "address line 4"),
    CanonicalField("town", "text", "post town"),
    CanonicalField("postcode", "postcode", "postcode"),
    # what happened
    CanonicalField("event_ref", "text", "the source's id for the event, claim, case or account"),
    CanonicalField("event_type", "text", "what kind of event (see event_types:)"),
    CanonicalField("event_subtype", "text", "finer classification of the event"),
    CanonicalField("event_date", "date", "when the event happened or started"),
    CanonicalField("event_time", "text", "time of day of the event"),
    CanonicalField("event_end_date", "date", "when the event ended"),
    CanonicalField("role", "text", "the person's role in the event"),
    CanonicalField("summary", "text", "free-text summary"),
    CanonicalField("status", "text", "status of the case, claim or account"),
    CanonicalField("category", "text", "category code"),
    CanonicalField("reason", "text", "reason code or text"),
    CanonicalField("amount", "decimal", "money amount in pounds"),
    CanonicalField("organisation_ref", "text", "school, team, force or provider code"),
    CanonicalField("organisation_name", "text", "school, team, force or provider name"),
    CanonicalField("period", "text", "reporting period, e.g. school term"),
    CanonicalField("sessions_possible", "integer", "attendance: possible sessions"),
    CanonicalField("sessions_authorised", "integer", "attendance: authorised absences"),
    CanonicalField("sessions_unauthorised", "integer", "attendance: unauthorised absences"),
    # relationships named on the row
    CanonicalField("related_person_ref", "text", "the source's id for a related person"),
    CanonicalField("relationship", "text", "how the related person is related"),
]

FIELDS: dict[str, CanonicalField] = {f.name: f for f in _FIELDS}
EXTRA_FIELD = re.compile(r"^x_[a-z][a-z0-9_]*$")

# parse name -> the SQL type the loaded column has
PARSE_TYPES: dict[str, SqlType] = {
    "text": "VARCHAR",
    "upper": "VARCHAR",
    "date": "DATE",
    "datetime": "TIMESTAMP",
    "integer": "BIGINT",
    "decimal": "DOUBLE",
    "boolean": "BOOLEAN",
    "nhs_number": "VARCHAR",
    "upn": "VARCHAR",
    "ni_number": "VARCHAR",
    "uprn": "VARCHAR",
    "postcode": "VARCHAR",
}

LINEAGE_COLUMNS: dict[str, SqlType] = {
    "record_id": "VARCHAR",  # <feed>:<source_record_id>, unique in the warehouse
    "feed": "VARCHAR",
    "source_record_id": "VARCHAR",
    "load_batch_id": "VARCHAR",
    "file_checksum": "VARCHAR",
    "source_row_number": "BIGINT",
}


def is_known_field(name: str) -> bool:
    return name in FIELDS or bool(EXTRA_FIELD.match(name))
