"""The submit pages: how to submit, and forms (from the schema) that produce an entry file."""

from __future__ import annotations

import json
import re
from pathlib import Path

from markupsafe import Markup

from .config import BuildConfig
from .content import FOLDERS
from .forms import DATES_HELP, questions
from .issue_forms import FORMS
from .model import Register
from .site.env import make_environment
from .site.pages import Writer


def browser_pattern(pattern: str | None, question_id: str) -> str | None:
    """The schema's pattern as an HTML pattern attribute (compiled with the RegExp v flag,
    which wants '-' escaped inside [...]); none for email, web addresses and dates, which
    their input types check."""
    if not pattern or question_id.endswith(("email", "url")) or question_id in ("website", "closes"):
        return None
    return re.sub(r"(?<=[0-9A-Za-z])-\]", r"\\-]", pattern.strip("^$"))


def write_submit_pages(register: Register, out: Path, config: BuildConfig) -> int:
    write = Writer(make_environment(config), out, config)
    github = f"https://github.com/{config.repository}"
    write.page(
        "submit/",
        "submit.html",
        github=github,
        issue_forms={kind: f"{github}/issues/new?template={file}" for kind, (file, _, _) in FORMS.items()},
        register=register,
    )
    employers = [(e.id, e.name) for e in sorted(register.employers.values(), key=lambda e: e.name.casefold())]
    for kind in FOLDERS:
        qs = questions(kind)
        setup = {
            "kind": kind,
            "folder": f"content/{FOLDERS[kind]}",
            "newFile": f"{github}/new/main/content/{FOLDERS[kind]}",
            "today": config.today.isoformat(),
        }
        write.page(
            f"submit/{kind}/",
            "submit_form.html",
            kind=kind,
            questions=qs,
            patterns={q.id: browser_pattern(q.pattern, q.id) for q in qs},
            employers=employers,
            dates_help=DATES_HELP,
            setup=Markup(json.dumps(setup)).replace("<", "\\u003c"),  # data only: read by static/submit.js
            issue_form=f"{github}/issues/new?template={FORMS[kind][0]}",
            register=register,
        )
    return len(write.written)
