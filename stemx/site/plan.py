"""What the shortlist and CPD planner (static/plan.js) keeps of an opportunity.

Each opportunity page carries it as JSON in a <script type="application/json" id="plan-item">
block. Saving copies it into the browser; the "My plan" page fetches the pages of the saved
opportunities again to show what has changed or been withdrawn since, so nothing about a
teacher's plan is ever sent anywhere or published per entry.
"""

from __future__ import annotations

from typing import Any

from ..config import BuildConfig
from ..model import Opportunity, Register
from ..schemas import vocabularies
from .calendar import place_text


def plan_item(register: Register, o: Opportunity, config: BuildConfig) -> dict[str, Any]:
    employer = register.employers[o.employer]
    return {
        "id": o.id,
        "title": o.title,
        "url": config.url(f"opportunities/{o.id}/"),
        "employer": employer.name,
        "type": vocabularies().label("opportunity_type", o.type),
        "where": place_text(register, o),
        "hours": o.duration_hours,
        "cost": o.cost,
        "state": register.state(o),
        "closes": o.closes.isoformat() if o.closes else None,
        "sessions": [
            {
                "start": s.start.isoformat(),
                "end": s.end.isoformat(),
                "startTime": s.start_time,
                "endTime": s.end_time,
                "applyBy": d.isoformat() if (d := o.apply_by(s)) else None,
            }
            for s in o.sessions
        ],
        "notes": o.availability_notes,
    }
