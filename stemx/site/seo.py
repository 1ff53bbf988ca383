"""Machine-readable descriptions: schema.org JSON-LD, sitemap.xml and robots.txt."""

from __future__ import annotations

from typing import Any

from ..config import BuildConfig
from ..model import Employer, Opportunity, Register
from ..schemas import vocabularies


def organization(e: Employer, config: BuildConfig) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "@id": config.absolute_url(f"employers/{e.id}/"),
        "name": e.name,
        "description": e.summary,
        "url": e.website,
        "address": [
            {"@type": "PostalAddress", "name": p.name, "postalCode": p.postcode, "addressCountry": "GB"}
            for p in e.locations
        ],
    }
    if e.contact.publish and e.contact.email:
        data["email"] = e.contact.email
    return data


def education_event(register: Register, o: Opportunity, config: BuildConfig) -> dict[str, Any]:
    """schema.org EducationEvent; for an opportunity with no fixed dates, a Course offer."""
    v = vocabularies()
    employer = register.employers[o.employer]
    place = o.location or employer.place
    if o.format == "online":
        location: dict[str, Any] = {
            "@type": "VirtualLocation",
            "url": o.how_to_apply.url or config.absolute_url(f"opportunities/{o.id}/"),
        }
    elif place is None:  # its employer registered without a site (validation warns about it)
        location = {"@type": "Place", "name": employer.name}
    else:
        location = {
            "@type": "Place",
            "name": place.name,
            "address": {"@type": "PostalAddress", "postalCode": place.postcode, "addressCountry": "GB"},
        }
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "EducationEvent" if o.sessions else "Course",
        "@id": config.absolute_url(f"opportunities/{o.id}/"),
        "name": o.title,
        "description": o.summary,
        "url": config.absolute_url(f"opportunities/{o.id}/"),
        "audience": [{"@type": "EducationalAudience", "educationalRole": v.label("audience", a)} for a in o.audience],
        "about": [v.label("subject", s) for s in o.subjects],
        "offers": {"@type": "Offer", "price": o.cost, "priceCurrency": "GBP"},
    }
    organizer = {
        "@type": "Organization",
        "name": employer.name,
        "url": config.absolute_url(f"employers/{employer.id}/"),
    }
    if o.sessions:
        data |= {
            "startDate": o.sessions[0].start.isoformat(),
            "endDate": max(s.end for s in o.sessions).isoformat(),
            "eventAttendanceMode": {
                "in-person": "https://schema.org/OfflineEventAttendanceMode",
                "online": "https://schema.org/OnlineEventAttendanceMode",
                "hybrid": "https://schema.org/MixedEventAttendanceMode",
            }[o.format],
            "eventStatus": "https://schema.org/EventCancelled" if o.withdrawn else "https://schema.org/EventScheduled",
            "location": location,
            "organizer": organizer,
        }
    else:
        data["provider"] = organizer
    return data


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
