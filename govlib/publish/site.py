"""The course index page: the syllabus with links to every edition and the figures each lesson shows.

Rendered with Jinja2 (autoescaping on: every syllabus text and parameter value
is HTML-escaped).  The page embeds its stylesheet and loads nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from govlib import paths
from govlib.publish.params import python_literal

__all__ = ["render_index", "default_cite"]

_TEMPLATE = "site/index.html.j2"


def default_cite(fig_id: str) -> str:
    """The citation of a register figure (``govlib.data.cite``)."""
    from govlib.data import cite

    return cite(fig_id)


def puller_link(hub_url: str, repo: str, notebook: str, branch: str = "main") -> str:
    """An nbgitpuller link: clone or update *repo* in the user's hub account and open *notebook*.

    Examples
    --------
    >>> puller_link("https://hub.example.org/", "https://git.example.org/course.git", "notebooks/intro.md")
    'https://hub.example.org/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgit.example.org%2Fcourse.git&branch=main&urlpath=lab%2Ftree%2Fcourse%2Fnotebooks%2Fintro.md'
    """
    from urllib.parse import quote, urlencode

    folder = repo.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git")
    query = urlencode({"repo": repo, "branch": branch, "urlpath": f"lab/tree/{folder}/{notebook}"}, quote_via=quote)
    return f"{hub_url.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def render_index(syllabus, entries: list[dict], figures: dict[str, list[str]], *,
                 cite: Callable[[str], str] | None = None, hub: dict | None = None) -> str:
    """Render ``index.html`` (Simplified Chinese).

    Parameters
    ----------
    syllabus : Syllabus
    entries : list of dict
        Manifest entries (to know which editions exist and which runs failed).
    figures : dict
        Lesson id -> sorted figure ids shown by the lesson (all parameter sets).
    cite : callable, optional
        Figure id -> citation (default :func:`default_cite`).  A figure that
        cannot be cited is listed with the reason.
    hub : dict, optional
        ``{"url", "repo", "branch"}``: an nbgitpuller link per lesson.
    """
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from govlib.publish.outputs import OUTPUTS, footer_text
    from govlib.syllabus import set_label_zh

    cite = cite or default_cite
    by_key: dict[tuple, dict[str, dict]] = {}
    for e in entries:
        by_key.setdefault((e.get("lesson"), e.get("params")), {})[e["edition"]] = e
    lessons = []
    for n, les in enumerate(syllabus.lessons, 1):
        sets = []
        for i, name in enumerate(les.set_names()):
            eds = by_key.get((les.id, name), {})
            failed = any(e.get("status") == "failed" for e in eds.values())
            sets.append({
                "name": name,
                "label": set_label_zh(name) + ("" if i == 0 else "一二三四五六七八九十"[(i - 1) % 10]),
                "description": les.description(name),
                "vals": [(k, python_literal(v)) for k, v in les.params[name].items()],
                "links": {ed: e["path"] for ed, e in eds.items() if ed != "failed-notebook"},
                "failed": failed,
                "failed_notebook": eds.get("failed-notebook", {}).get("path"),
            })
        figs = []
        for fid in figures.get(les.id, []):
            try:
                citation, ok = cite(fid), True
            except Exception as exc:  # noqa: BLE001 - shown in the page, reported by the build
                citation, ok = f"无法引用：{type(exc).__name__}: {exc}", False
            figs.append({"id": fid, "cite": citation, "ok": ok})
        puller = (puller_link(hub["url"], hub["repo"], str(les.notebook), hub.get("branch") or "main")
                  if hub and hub.get("url") and hub.get("repo") else None)
        lessons.append({"n": n, "id": les.id, "title": les.title_zh, "minutes": les.minutes,
                        "objectives": les.objectives, "sets": sets, "figures": figs, "puller": puller})
    env = Environment(loader=FileSystemLoader(str(paths.TEMPLATES)),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    css = (Path(paths.TEMPLATES) / "govlib" / "static" / "govlib.css").read_text(encoding="utf-8")
    page = env.get_template(_TEMPLATE).render(
        title=syllabus.title_zh, description=syllabus.description_zh, lessons=lessons, css=css,
        footer=footer_text(),
        outputs=[{"edition": o.edition, "filename": o.filename, "label_zh": o.label_zh,
                  "description_zh": o.description_zh, "hant": "zh-Hant" in o.edition,
                  "download": not o.filename.endswith(".html")} for o in OUTPUTS.values()],
        total_minutes=sum(les.minutes for les in syllabus.lessons))
    return "\n".join(line.rstrip() for line in page.splitlines()) + "\n"
