"""person_records: one standardised row per source row that names a person.

Original values are kept beside the standardised ones (``orig_*``). Identifiers that fail
their check are kept in ``orig_*`` only: the standardised column is NULL, so an invalid
identifier is never match evidence. A date of birth that is a placeholder, in the future or
implausible is kept in ``orig_date_of_birth`` and flagged in ``dob_quality``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pyarrow as pa

from famlink.standardise import addresses, dates, names
from famlink.standardise.identifiers import (
    clean_uprn,
    is_valid_nhs_number,
    is_valid_ni_number,
    is_valid_upn,
    is_valid_uprn,
)
from famlink.standardise.postcodes import (
    is_valid_postcode,
    normalise_postcode,
    outward_code,
    postcode_sector,
)

SEX_CODES = {"M": "M", "MALE": "M", "MAN": "M", "BOY": "M", "1": "M",
             "F": "F", "FEMALE": "F", "WOMAN": "F", "GIRL": "F", "2": "F"}

SCHEMA = pa.schema([
    ("record_id", pa.string()), ("feed", pa.string()), ("source_record_id", pa.string()),
    ("load_batch_id", pa.string()), ("source_row_number", pa.int64()),
    ("feed_reliability", pa.float64()),
    ("first_name", pa.string()), ("first_name_canon", pa.string()),
    ("first_name_metaphone", pa.string()), ("first_initial", pa.string()),
    ("middle_names", pa.string()), ("surname", pa.string()),
    ("surname_parts", pa.list_(pa.string())), ("surname_metaphone", pa.string()),
    ("former_surname", pa.string()), ("generation", pa.string()),
    ("is_initial_only", pa.bool_()), ("date_of_birth", pa.date32()),
    ("dob_quality", pa.string()), ("sex", pa.string()),
    ("nhs_number", pa.string()), ("upn", pa.string()), ("former_upn", pa.string()),
    ("ni_number", pa.string()), ("uprn", pa.string()), ("postcode", pa.string()),
    ("postcode_outward", pa.string()), ("postcode_sector", pa.string()),
    ("address_norm", pa.string()), ("flat", pa.string()), ("house_number", pa.string()),
    ("house_name", pa.string()), ("street", pa.string()),
    ("address_tokens", pa.list_(pa.string())),
    ("person_ref", pa.string()), ("event_ref", pa.string()), ("event_type", pa.string()),
    ("event_date", pa.date32()), ("role", pa.string()), ("latest_dob", pa.date32()),
    ("orig_name", pa.string()), ("orig_date_of_birth", pa.string()),
    ("orig_nhs_number", pa.string()), ("orig_upn", pa.string()),
    ("orig_ni_number", pa.string()), ("orig_postcode", pa.string()),
    ("orig_address", pa.string()),
])


def _name(row: dict[str, Any], full_name_only: bool) -> names.NameParts:
    if full_name_only or not (row["first_name"] or row["surname"]):
        return names.parse_full_name(row["full_name"] or "")
    given = names.standardise_forename(row["first_name"]).split()
    middle = " ".join([*given[1:], names.standardise_forename(row["middle_names"])]).strip()
    whole = names.parse_full_name(f"{row['first_name'] or 'X'} {row['surname'] or ''}")
    return names.NameParts(
        first_name=given[0] if given else None,
        middle_names=middle or None,
        surname=names.standardise_surname(row["surname"]) or None,
        generation=whole.generation,
        is_initial_only=bool(given) and len(given[0]) == 1,
    )


def _dob(row: dict[str, Any], today: dt.date) -> tuple[dt.date | None, str]:
    dob = row["date_of_birth"]
    if dob is None and row["date_of_birth_raw"]:
        dob = dates.parse_date(row["date_of_birth_raw"], reference_date=today)
    quality = dates.dob_quality(dob, today)
    return (dob if quality == "ok" else None), quality


def _address_text(row: dict[str, Any]) -> str:
    lines = [row["address"], row["address_line_1"], row["address_line_2"],
             row["address_line_3"], row["address_line_4"], row["town"]]
    return ", ".join(str(v) for v in lines if v)


def _valid(value: Any, check: Any) -> str | None:
    """The identifier in clean form (no spaces or punctuation) when it passes its check."""
    return "".join(ch for ch in str(value) if ch.isalnum()).upper() if value and check(value) \
        else None


def _identity(row: dict[str, Any], full_name_only: bool, today: dt.date) -> dict[str, Any]:
    parts = _name(row, full_name_only)
    first = parts.first_name or ""
    surname = parts.surname or ""
    dob, dob_quality = _dob(row, today)
    return {
        "first_name": first or None,
        "first_name_canon": names.canonical_forename(first) or None,
        "first_name_metaphone": names.phonetic_key(first) or None,
        "first_initial": first[:1] or None,
        "middle_names": parts.middle_names,
        "surname": surname or None,
        "surname_parts": names.surname_parts(surname) or None,
        "surname_metaphone": names.phonetic_key(surname) or None,
        "former_surname": names.standardise_surname(row["former_surname"]) or None,
        "generation": parts.generation,
        "is_initial_only": parts.is_initial_only,
        "date_of_birth": dob,
        "dob_quality": dob_quality,
        "sex": SEX_CODES.get(str(row["sex"] or "").strip().upper()),
        "nhs_number": _valid(row["nhs_number"], is_valid_nhs_number),
        "upn": _valid(row["upn"], is_valid_upn),
        "former_upn": _valid(row["former_upn"], is_valid_upn),
        "ni_number": _valid(row["ni_number"], is_valid_ni_number),
        "orig_name": " ".join(filter(None, [row["first_name"], row["middle_names"],
                                            row["surname"]])) or row["full_name"],
        "orig_date_of_birth": row["date_of_birth_raw"],
        "orig_nhs_number": row["nhs_number"],
        "orig_upn": row["upn"],
        "orig_ni_number": row["ni_number"],
    }


def _address(row: dict[str, Any]) -> dict[str, Any]:
    text = _address_text(row)
    parsed = addresses.parse_address(text) if text else None
    raw_postcode = row["postcode"] or (parsed.postcode if parsed else None)
    postcode = normalise_postcode(raw_postcode) if is_valid_postcode(raw_postcode or "") else None
    uprn = clean_uprn(row["uprn"]) if is_valid_uprn(row["uprn"]) else None
    return {
        "uprn": uprn,
        "postcode": postcode,
        "postcode_outward": outward_code(postcode) if postcode else None,
        "postcode_sector": postcode_sector(postcode) if postcode else None,
        "address_norm": addresses.normalise_address(text) or None if text else None,
        "flat": parsed.flat if parsed else None,
        "house_number": parsed.house_number if parsed else None,
        "house_name": parsed.house_name if parsed else None,
        "street": parsed.street if parsed else None,
        "address_tokens": list(parsed.tokens) if parsed and parsed.tokens else None,
        "orig_postcode": row["postcode"],
        "orig_address": text or None,
    }


def standardise_rows(rows: Iterator[dict[str, Any]], full_name_feeds: set[str],
                     today: dt.date) -> Iterator[dict[str, Any]]:
    keep = ("record_id", "feed", "source_record_id", "load_batch_id", "source_row_number",
            "feed_reliability", "person_ref", "event_ref", "event_type", "event_date", "role")
    for row in rows:
        out = {k: row[k] for k in keep}
        out["latest_dob"] = None
        out.update(_identity(row, row["feed"] in full_name_feeds, today))
        out.update(_address(row))
        yield out


def to_arrow(rows: Iterator[dict[str, Any]], batch_size: int = 50_000) -> Iterator[pa.RecordBatch]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= batch_size:
            yield pa.RecordBatch.from_pylist(batch, schema=SCHEMA)
            batch = []
    if batch:
        yield pa.RecordBatch.from_pylist(batch, schema=SCHEMA)
