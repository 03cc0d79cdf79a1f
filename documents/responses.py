"""The executive's response to a recommendation of the committee's report, in the council's words."""

from __future__ import annotations

import enum
import re
from datetime import date

from documents.errors import UserFacingError

REASON_LIMIT = 4_000  # characters of a reason: a paragraph of a cabinet report, not the report


class ExecutiveResponse(enum.StrEnum):
    """Accepted, partially accepted or not accepted. One not accepted needs no actions and is never
    monitored."""

    ACCEPTED = "accepted"
    PARTIALLY_ACCEPTED = "partially_accepted"
    NOT_ACCEPTED = "not_accepted"

    @property
    def label(self) -> str:
        """ "Partially accepted", as a status line says it."""
        return self.value.replace("_", " ").capitalize()

    def said(self, *, on: date | None, reason: str | None) -> str:
        """ "Executive response: Not accepted (1 May 2019): reason", as the committee's papers print it
        under the recommendation."""
        when = f" ({on.day} {on:%B %Y})" if on else ""
        why = f": {' '.join(reason.split())}" if reason else ""
        return f"Executive response: {self.label}{when}{why}"

    @classmethod
    def named(cls, text: str) -> ExecutiveResponse:
        """ "accepted", "partially accepted" (or partially_accepted, Partially-Accepted, partly
        accepted), "not accepted" (or rejected); a plain refusal for anything else."""
        words = " ".join(re.split(r"[\s_-]+", text.strip().lower()))
        found = _WORDS.get(words)
        if found is None:
            raise UserFacingError(
                f"“{text.strip()}” is not a response: say accepted, partially accepted or not accepted."
            )
        return found


_WORDS = {
    "accepted": ExecutiveResponse.ACCEPTED,
    "partially accepted": ExecutiveResponse.PARTIALLY_ACCEPTED,
    "partly accepted": ExecutiveResponse.PARTIALLY_ACCEPTED,
    "not accepted": ExecutiveResponse.NOT_ACCEPTED,
    "rejected": ExecutiveResponse.NOT_ACCEPTED,
}
