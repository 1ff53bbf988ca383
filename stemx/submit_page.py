"""The submit page: a browser form, generated from the schema, that writes an entry's YAML file.

The form is rendered from forms.form_description, the same questions as the issue forms and
`python build.py new`, and static/submit.js builds the file from the same description. The
page sends nothing anywhere: it offers the file to copy or download, and links to GitHub's
new-file page (pre-filled) and to the issue forms. Without JavaScript it explains those routes.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from markupsafe import Markup

from .config import BuildConfig
from .forms import form_description
from .issue_forms import CONSENT, FORMS
from .model import Register
from .site.env import make_environment

DEFAULT_REPOSITORY = "stem-exchange/register"
ASSETS = ("submit.js", "submit.css")


def github_links(repository: str) -> dict[str, str]:
    base = f"https://github.com/{repository}"
    return {
        "repository": base,
        "contributing": f"{base}/blob/main/CONTRIBUTING.md",
        "new_file": f"{base}/new/main/content/",
        "issue_employer": f"{base}/issues/new?template={FORMS['employer'][0]}",
        "issue_opportunity": f"{base}/issues/new?template={FORMS['opportunity'][0]}",
    }


def _description_attribute(kind: str) -> Markup:
    # Attribute values are autoescaped by the template; sorted keys keep the page byte-stable.
    return Markup.escape(json.dumps(form_description(kind), ensure_ascii=False, sort_keys=True, separators=(",", ":")))


def page_context(repository: str) -> dict[str, Any]:
    forms = []
    for kind, heading in (("employer", "Register an employer"), ("opportunity", "Add an opportunity")):
        forms.append(
            {
                "kind": kind,
                "heading": heading,
                "description": form_description(kind),
                "data": _description_attribute(kind),
            }
        )
    return {"forms": forms, "links": github_links(repository), "consent": CONSENT}


def write_submit_page(register: Register, out: Path, config: BuildConfig, repository: str = DEFAULT_REPOSITORY) -> int:
    """Write submit/index.html and its script and styles; returns the number of files written."""
    repository = getattr(config, "repository", None) or repository
    env = make_environment(config)
    html = env.get_template("submit.html").render(page_path="submit/", **page_context(repository))
    target = out / "submit" / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, encoding="utf-8", newline="\n")
    (out / "static").mkdir(parents=True, exist_ok=True)
    for name in ASSETS:
        shutil.copyfile(config.static_dir / name, out / "static" / name)
    return 1 + len(ASSETS)
