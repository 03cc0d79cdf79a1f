"""The bot's logs: lines for a person by default, JSON lines (SCRUTINY_LOG_FORMAT=json) for a log
collector. Each line written during a turn names the turn's activity and conversation; no line ever
holds a secret (the app password, the database password), whatever logged it.

Nothing here logs what people typed: the bot's own log calls never take evidence, and the SDK's
HTTP loggers, which print whole request bodies at DEBUG, are held at INFO.

In text (the console) the libraries' INFO lines (Alembic on every start, aiohttp's access log on
every request) are left out unless asked for (SCRUTINY_LOG_VERBOSE, `serve --verbose`, or
SCRUTINY_LOG_LEVEL=DEBUG): a person watching the console wants the bot's own lines and what went
wrong. JSON lines, for a log collector, keep them.
"""

from __future__ import annotations

import contextvars
import logging
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import IO

from pythonjsonlogger.json import JsonFormatter
from sqlalchemy.engine import make_url

from bot.settings import Settings

# (activity id, conversation id) of the turn this task is running, for every line it logs.
_TURN: contextvars.ContextVar[tuple[str | None, str | None]] = contextvars.ContextVar(
    "turn", default=(None, None)
)
# Loggers that write request and response bodies (a message's text, a card's evidence) at DEBUG.
_BODY_LOGGERS = ("msrest", "botframework", "botbuilder", "urllib3", "aiohttp.client")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# The project's own loggers (module names), logged from the level set; every other from WARNING.
OWN_LOGGERS = ("bot", "dialogs", "cards", "store", "documents")


@contextmanager
def turn_ids(activity_id: str | None, conversation_id: str | None) -> Iterator[None]:
    """While a turn runs, its log lines carry these ids."""
    token = _TURN.set((activity_id, conversation_id))
    try:
        yield
    finally:
        _TURN.reset(token)


class _TurnIds(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.activity_id, record.conversation_id = _TURN.get()
        return True


class _LibrariesQuiet(logging.Filter):
    """Lines below `level` from loggers that are not the project's own are left out."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self._level = level

    def filter(self, record: logging.LogRecord) -> bool:
        own = record.name.split(".", 1)[0] in OWN_LOGGERS
        return own or record.levelno >= self._level


class _Redacting(logging.Formatter):
    """Another formatter's line, with any secret in it (a message, an exception) blanked out."""

    def __init__(self, inner: logging.Formatter, secrets: Sequence[str]) -> None:
        super().__init__()
        self._inner = inner
        self._secrets = [s for s in secrets if len(s) >= 4]

    def format(self, record: logging.LogRecord) -> str:
        line = self._inner.format(record)
        for secret in self._secrets:
            line = line.replace(secret, "[hidden]")
        return line


def secrets_of(settings: Settings) -> list[str]:
    found = [settings.app_password.get_secret_value()] if settings.app_password else []
    password = make_url(settings.database_url).password
    return [*found, *([str(password)] if password else [])]


def configure_logging(settings: Settings, *, stream: IO[str] | None = None) -> None:
    """The process's logging, from the settings (called by `serve`; the tests pass their own stream)."""
    if settings.log_format == "json":
        inner: logging.Formatter = JsonFormatter(
            "{asctime}{levelname}{name}{message}{activity_id}{conversation_id}",
            style="{",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    else:
        inner = logging.Formatter(TEXT_FORMAT)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(_TurnIds())
    root = logging.getLogger()
    level = logging.getLevelName(settings.log_level.upper())
    root.setLevel(level if isinstance(level, int) else logging.INFO)
    # JSON lines go to a log collector, which keeps everything from the level (the access log too).
    if settings.log_format == "text" and not settings.log_verbose and root.level >= logging.INFO:
        handler.addFilter(_LibrariesQuiet(logging.WARNING))
    handler.setFormatter(_Redacting(inner, secrets_of(settings)))
    root.handlers = [handler]
    for name in _BODY_LOGGERS:
        logging.getLogger(name).setLevel(max(root.level, logging.INFO))
