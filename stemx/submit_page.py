"""The submit pages: how to submit (submit/), and one form per kind of entry
(submit/employer/, submit/opportunity/) that produces the entry's YAML file.

Each form is rendered from forms.form_description, the same questions as the issue forms
and `python build.py new`, and static/submit.js builds the file from the same description
(which carries, for each answer, where it goes in the entry): nothing repeats the schema.
The pages send nothing anywhere: they offer the file to copy or download, and link to
GitHub's new-file page (pre-filled) and to the issue forms. Without JavaScript the form
page explains those routes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from markupsafe import Markup

from .config import BuildConfig
from .content import FOLDERS
from .forms import form_description
from .issue_forms import CHANGE_FORM, CONSENT, FORMS
from .model import Register
from .site.env import make_environment
from .site.pages import Writer

DEFAULT_REPOSITORY = "stem-exchange/register"
HEADINGS = {"employer": "Register an employer", "opportunity": "Add an opportunity"}


def github_links(repository: str) -> dict[str, Any]:
    base = f"https://github.com/{repository}"
    return {
        "repository": base,
        "contributing": f"{base}/blob/main/CONTRIBUTING.md",
        "new_file": {kind: f"{base}/new/main/content/{folder}" for kind, folder in FOLDERS.items()},
        "issue_forms": {kind: f"{base}/issues/new?template={file}" for kind, (file, _, _) in FORMS.items()},
        "change_form": f"{base}/issues/new?template={CHANGE_FORM}",
    }


def description_attribute(kind: str) -> Markup:
    """The form's description as JSON for a data- attribute (autoescaped there; sorted keys keep pages byte-stable)."""
    return Markup.escape(json.dumps(form_description(kind), ensure_ascii=False, sort_keys=True, separators=(",", ":")))


def write_submit_pages(register: Register, out: Path, config: BuildConfig) -> int:
    """Write submit/ and submit/<kind>/ for each kind; returns the number of files written.
    The repository the links point to is config.repository ("owner/name")."""
    repository = getattr(config, "repository", None) or DEFAULT_REPOSITORY
    links = github_links(repository)
    write = Writer(make_environment(config), out, config)
    write.page(
        "submit/",
        "submit.html",
        github=links["repository"],
        issue_forms=links["issue_forms"],
        change_form=links["change_form"],
        register=register,
    )
    for kind in FOLDERS:
        write.page(
            f"submit/{kind}/",
            "submit_form.html",
            kind=kind,
            heading=HEADINGS[kind],
            form=form_description(kind),
            data=description_attribute(kind),
            links=links,
            new_file=links["new_file"][kind],
            issue_form=links["issue_forms"][kind],
            consent=CONSENT,
            register=register,
        )
    return len(write.written)
