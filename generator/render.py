"""The one Jinja2 environment: autoescaping, strict undefined, site_src/templates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from generator.markdown import render_markdown


def create_environment(templates: Path) -> Environment:
    """Create the template environment for one build."""
    environment = Environment(
        loader=FileSystemLoader(str(templates)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["markdown"] = lambda text: Markup(render_markdown(text))
    return environment


def render_page(
    environment: Environment, template: str, context: dict[str, Any]
) -> bytes:
    """Render a template to UTF-8 bytes."""
    return environment.get_template(template).render(**context).encode("utf-8")
