"""Write the data-quality report as one self-contained HTML page (no scripts, no downloads)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from famlink.report.quality import FeedQuality


def render_quality(feeds: list[FeedQuality], project_name: str, warehouse: str) -> str:
    env = Environment(loader=PackageLoader("famlink.report", "templates"),
                      autoescape=select_autoescape(["html"]))
    return env.get_template("quality.html").render(
        feeds=feeds, project_name=project_name, warehouse=warehouse,
        generated_at=dt.datetime.now().strftime("%Y-%m-%d %H:%M"))


def write_quality_html(feeds: list[FeedQuality], project_name: str, warehouse: str,
                       out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_quality(feeds, project_name, warehouse), encoding="utf-8")
    return out
