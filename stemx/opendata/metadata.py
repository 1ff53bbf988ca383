"""Dataset metadata for the data page, as JSON-LD: schema.org Dataset (read by dataset
search engines) and DCAT (read by data portals and harvesters)."""

from __future__ import annotations

from typing import Any

from ..config import BuildConfig
from .package import DESCRIPTION, KEYWORDS, LICENCE, PUBLISHER, TITLE, citation, version

DOWNLOADS = (
    ("stem-exchange-data.zip", "application/zip", "The whole data package (CSV, datapackage.json, schemas) in one zip"),
    ("datapackage.json", "application/json", "Frictionless data package (CSV tables with their schema)"),
    ("opportunities.csv", "text/csv", "Opportunities (CSV)"),
    ("employers.csv", "text/csv", "Employers (CSV)"),
    ("stem-exchange.sqlite", "application/vnd.sqlite3", "SQLite database"),
    ("stem-exchange.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Workbook (XLSX)"),
    ("opportunities.json", "application/json", "Opportunities (JSON, nested)"),
    ("employers.json", "application/json", "Employers (JSON, nested)"),
)


def schema_org(config: BuildConfig, files: set[str]) -> dict[str, Any]:
    base = config.absolute_url("data/")
    return {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": base,
        "name": TITLE,
        "description": DESCRIPTION,
        "url": base,
        "version": version(config),
        "dateModified": config.today.isoformat(),
        "license": LICENCE["path"],
        "isAccessibleForFree": True,
        "keywords": KEYWORDS,
        "citation": citation(config),
        "spatialCoverage": {"@type": "Place", "name": "United Kingdom"},
        "creator": {"@type": "Organization", "name": PUBLISHER, "url": config.absolute_url()},
        "publisher": {"@type": "Organization", "name": PUBLISHER, "url": config.absolute_url()},
        "variableMeasured": ["employers", "opportunities", "region", "subject", "opportunity type", "sector"],
        "distribution": [
            {"@type": "DataDownload", "encodingFormat": mediatype, "contentUrl": base + path, "name": name}
            for path, mediatype, name in DOWNLOADS
            if path in files
        ],
    }


def dcat(config: BuildConfig, files: set[str]) -> dict[str, Any]:
    base = config.absolute_url("data/")
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": base + "#dataset",
        "@type": "dcat:Dataset",
        "dct:title": TITLE,
        "dct:description": DESCRIPTION,
        "dct:identifier": base,
        "dct:issued": {"@value": config.today.isoformat(), "@type": "xsd:date"},
        "dct:modified": {"@value": config.today.isoformat(), "@type": "xsd:date"},
        "dcat:version": version(config),
        "dct:license": {"@id": LICENCE["path"]},
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": PUBLISHER},
        "dct:spatial": {"@id": "http://publications.europa.eu/resource/authority/country/GBR"},
        "dcat:keyword": KEYWORDS,
        "dcat:landingPage": {"@id": base},
        "dcat:distribution": [
            {
                "@type": "dcat:Distribution",
                "dct:title": name,
                "dcat:downloadURL": {"@id": base + path},
                "dcat:mediaType": mediatype,
                "dct:license": {"@id": LICENCE["path"]},
            }
            for path, mediatype, name in DOWNLOADS
            if path in files
        ],
    }
