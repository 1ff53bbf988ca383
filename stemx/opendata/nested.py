"""Entries in the nested form of their YAML files (for the JSON download)."""

from __future__ import annotations

import hashlib
from typing import Any

import orjson

from ..model import Employer, Opportunity, Place, Register


def _place(p: Place) -> dict[str, Any]:
    return _drop_none({"name": p.name, "address": p.address, "postcode": p.postcode, "region": p.region})


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None and v != ()}


def employer(e: Employer) -> dict[str, Any]:
    c = e.contact
    contact = (
        _drop_none({"team": c.team, "email": c.email, "url": c.url, "phone": c.phone, "publish": True})
        if c.publish
        else {"publish": False}
    )
    return _drop_none({
        "id": e.id, "name": e.name, "org_id": e.org_id, "summary": e.summary, "description": str(e.description),
        "website": e.website, "sector": e.sector, "size": e.size, "locations": [_place(p) for p in e.locations],
        "regions_served": list(e.regions_served), "subjects": list(e.subjects),
        "offers": list(e.offers) or None,  # left out when not said, so older entries keep their record_hash
        "contact": contact,
        "registered": e.registered.isoformat(), "reviewed": e.reviewed.isoformat(),
    })  # fmt: skip


def opportunity(o: Opportunity, register: Register) -> dict[str, Any]:
    availability: dict[str, Any] = {"kind": "on-request" if o.on_request else "dates"}
    if o.sessions:
        availability["dates"] = [
            _drop_none(
                {
                    "start": s.start.isoformat(),
                    "end": s.end.isoformat(),
                    "start_time": s.start_time,
                    "end_time": s.end_time,
                }
            )
            for s in o.sessions
        ]
    if o.availability_notes:
        availability["notes"] = o.availability_notes
    h = o.how_to_apply
    return _drop_none({
        "id": o.id, "employer": o.employer, "title": o.title, "summary": o.summary, "description": str(o.description),
        "type": o.type, "audience": list(o.audience), "subjects": list(o.subjects), "format": o.format,
        "location": _place(o.location) if o.location else None, "availability": availability,
        "duration_hours": o.duration_hours, "capacity": o.capacity, "cost": o.cost,
        "closes": o.closes.isoformat() if o.closes else None,
        "how_to_apply": _drop_none({"instructions": h.instructions, "email": h.email, "url": h.url}),
        "requirements": list(o.requirements) or None, "accessibility": o.accessibility,
        "status": register.state(o), "published": o.published.isoformat(), "reviewed": o.reviewed.isoformat(),
    })  # fmt: skip


def record_hash(record: dict[str, Any]) -> str:
    """A fingerprint of an entry's published content, for comparing releases.

    Computed from the published form only (never from withheld contact details, which a
    hash of a short phone number could reveal), and without the status, which follows
    from the build date rather than from an edit.
    """
    content = {k: v for k, v in record.items() if k != "status"}
    # Sorted keys, no spaces, UTF-8: byte for byte the standard library's json.dumps(content,
    # ensure_ascii=False, sort_keys=True, separators=(",", ":")), which earlier releases used.
    text = orjson.dumps(content, option=orjson.OPT_SORT_KEYS)
    return hashlib.blake2b(text, digest_size=16).hexdigest()
