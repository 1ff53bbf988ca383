"""Machine-readable descriptions: schema.org JSON-LD, sitemap.xml and robots.txt."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from ..config import BuildConfig
from ..model import Employer, Opportunity, Place, Register
from ..schemas import vocabularies


def organization(e: Employer, config: BuildConfig) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "@id": config.absolute_url(f"employers/{e.id}/"),
        "name": e.name,
        "description": e.summary,
        "url": e.website,
        "address": [_address(p) | {"name": p.name} for p in e.locations],
    }
    if e.contact.publish and e.contact.email:
        data["email"] = e.contact.email
    return data


LONDON = ZoneInfo("Europe/London")
MODES = {"in-person": "onsite", "online": "online", "hybrid": "blended"}
ATTENDANCE = {
    "in-person": "https://schema.org/OfflineEventAttendanceMode",
    "online": "https://schema.org/OnlineEventAttendanceMode",
    "hybrid": "https://schema.org/MixedEventAttendanceMode",
}


@lru_cache(maxsize=8192)  # days and times repeat across sessions; bounded for a national register
def _moment(day: date, time: str | None) -> str:
    """A date, or a date and time with its Europe/London offset (+00:00 in winter, +01:00 in summer)."""
    if time is None:
        return day.isoformat()
    hour, minute = map(int, time.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON).isoformat()


def _address(place: Place) -> dict[str, Any]:
    address = {"@type": "PostalAddress", "postalCode": place.postcode, "addressCountry": "GB"}
    if place.address:
        address["streetAddress"] = place.address
    address["addressRegion"] = vocabularies().label("region", place.region)
    return address


def _location(register: Register, o: Opportunity, config: BuildConfig) -> dict[str, Any]:
    place = register.place_of(o)
    if o.format == "online":
        return {"@type": "VirtualLocation", "url": o.how_to_apply.url or config.absolute_url(f"opportunities/{o.id}/")}
    if place is None:  # its employer registered without a site (validation warns about it)
        return {"@type": "Place", "name": register.employers[o.employer].name}
    return {"@type": "Place", "name": place.name, "address": _address(place)}


def education_event(register: Register, o: Opportunity, config: BuildConfig) -> dict[str, Any]:
    """schema.org for an opportunity: one EducationEvent per date (several dates are several
    events, in an @graph), with times and offsets; on request, a Course with a CourseInstance."""
    v = vocabularies()
    employer = register.employers[o.employer]
    url = config.absolute_url(f"opportunities/{o.id}/")
    common: dict[str, Any] = {
        "name": o.title,
        "description": o.summary,
        "url": url,
        "audience": [{"@type": "EducationalAudience", "educationalRole": v.label("audience", a)} for a in o.audience],
        "about": [v.label("subject", s) for s in o.subjects],
        "offers": {"@type": "Offer", "price": o.cost, "priceCurrency": "GBP", "url": url},
    }
    if o.closes:
        common["offers"]["validThrough"] = o.closes.isoformat()
    organizer = {
        "@type": "Organization",
        "name": employer.name,
        "url": config.absolute_url(f"employers/{employer.id}/"),
    }
    location = _location(register, o, config)
    if not o.sessions:
        return {
            "@context": "https://schema.org",
            "@type": "Course",
            "@id": url,
            **common,
            "provider": organizer,
            "hasCourseInstance": {
                "@type": "CourseInstance",
                "courseMode": MODES[o.format],
                "location": location,
                "courseWorkload": f"PT{o.duration_hours:g}H",
            },
        }
    events = [
        {
            "@type": "EducationEvent",
            "@id": url if len(o.sessions) == 1 else f"{url}#date-{i}",
            **common,
            "startDate": _moment(s.start, s.start_time),
            "endDate": _moment(s.end, s.end_time),
            "eventAttendanceMode": ATTENDANCE[o.format],
            "eventStatus": "https://schema.org/EventCancelled" if o.withdrawn else "https://schema.org/EventScheduled",
            "location": location,
            "organizer": organizer,
        }
        for i, s in enumerate(o.sessions, 1)
    ]
    if len(events) == 1:
        return {"@context": "https://schema.org", **events[0]}
    return {"@context": "https://schema.org", "@graph": events}


SITEMAP_LIMIT = 50_000  # URLs per file, as the sitemap protocol allows


def sitemaps(config: BuildConfig, paths: list[str]) -> dict[str, str]:
    """sitemap.xml, or (past the protocol's limit) an index of sitemap-N.xml files."""
    urls = [f"<url><loc>{_xml(config.absolute_url(p))}</loc></url>\n" for p in sorted(paths)]
    head = '<?xml version="1.0" encoding="UTF-8"?>\n'
    ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    if len(urls) <= SITEMAP_LIMIT:
        return {"sitemap.xml": f"{head}<urlset {ns}>\n{''.join(urls)}</urlset>\n"}
    files = {}
    for i in range(0, len(urls), SITEMAP_LIMIT):
        files[f"sitemap-{i // SITEMAP_LIMIT + 1}.xml"] = (
            f"{head}<urlset {ns}>\n{''.join(urls[i : i + SITEMAP_LIMIT])}</urlset>\n"
        )
    entries = "".join(f"<sitemap><loc>{_xml(config.absolute_url(name))}</loc></sitemap>\n" for name in files)
    files["sitemap.xml"] = f"{head}<sitemapindex {ns}>\n{entries}</sitemapindex>\n"
    return files


def robots(config: BuildConfig) -> str:
    return f"User-agent: *\nAllow: /\nSitemap: {config.absolute_url('sitemap.xml')}\n"


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
