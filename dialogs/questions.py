"""What a feature answers, declared beside its handler: the kind of question, the command that is its
shortest form, a few ways people ask it, and its help line. bot/features.py registers each one; the
understanding (understanding/) decides which kind a message is, whatever its wording, and
tests/test_understanding.py checks that every example here is understood as its kind.
"""

from __future__ import annotations

from dataclasses import dataclass

from understanding.understand import Ask


@dataclass(frozen=True)
class Answers:
    ask: Ask
    command: str | None  # the shortest way to ask ("slipped"); None: only ever asked in words
    help: str
    examples: tuple[str, ...]  # ways people ask it, shown in the help and tested
    usage: str | None = None  # as the help shows it, if not the command itself
    aliases: tuple[str, ...] = ()
