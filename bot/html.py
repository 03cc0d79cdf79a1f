"""An HTML page as the bot serves it: with a Content-Security-Policy that lets nothing else in.

The committee's page and the public tracker run no script at all. The tab pages run two of the app's
own files (teams-js, served from page/static, and the page's own script) and may talk only to the
bot; every page may be framed only by Teams.
"""

from __future__ import annotations

from aiohttp import web

# Where Teams shows a tab: the web and desktop clients, old and new.
TEAMS_FRAMES = "https://teams.microsoft.com https://*.teams.microsoft.com https://*.cloud.microsoft"


def html_response(text: str, *, status: int = 200, scripts: bool = False) -> web.Response:
    response = web.Response(text=text, content_type="text/html", status=status)
    script = "script-src 'self'; connect-src 'self'; " if scripts else ""
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; {script}style-src 'self' 'unsafe-inline'; img-src 'self'; base-uri 'none'; "
        f"form-action 'self'; frame-ancestors 'self' {TEAMS_FRAMES}"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
