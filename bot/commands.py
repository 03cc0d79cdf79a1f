"""The command registry: every command and card-submit verb is registered once, with its help text.

Routing looks words up here instead of testing substrings one after another, so adding a command is one
`registry.command(...)` line and the help, the welcome card and the manifest check all follow from it.
"""

from __future__ import annotations

import re
import string
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from botbuilder.dialogs import DialogContext
from rapidfuzz import fuzz

from cards import messages
from cards.welcome import HelpEntry
from dialogs.context import Caller, Handler
from understanding.progress import looks_like_evidence
from understanding.understand import is_asking_word
from understanding.words import normalise

# Below this similarity (0-100) a guess is more confusing than helpful.
SUGGESTION_CUTOFF = 70.0
# A word anywhere in a message is like a command's name only if closer than this.
CLOSEST_CUTOFF = 80.0
# Longer than this, words typed at a question are an answer even if they start like a command.
_TYPED_COMMAND_WORDS = 4
_EDGE_PUNCTUATION = string.punctuation + "“”‘’…"
# What of a mistyped command's arguments may be said back in a suggestion: "7", "7.2", "wifi".
_PLAIN_ARGUMENTS = re.compile(r"[\w .'’-]{1,40}")


def _words(text: str) -> list[str]:
    words = (word.strip(_EDGE_PUNCTUATION).lower() for word in text.split())
    return [word for word in words if word]


@dataclass(frozen=True)
class Command:
    name: str  # as typed, lower case; may be several words ("my actions")
    handler: Handler
    help: str
    usage: str
    aliases: tuple[str, ...] = ()
    # Recording needs to know who you are: people not on the roster are told whom to ask instead.
    records: bool = False
    examples: tuple[str, ...] = ()  # other ways to ask it, in plain words
    # A question's shortest form ("status", "slipped"): a slip in it is read by the understanding,
    # not suggested back; a slip in a command that acts ("updte 7") is.
    question: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Verb:
    name: str
    handler: Handler
    records: bool = False


@dataclass(frozen=True)
class CommandMatch:
    command: Command
    args: str  # the rest of the message, as typed


@dataclass
class CommandRegistry:
    _commands: dict[str, Command] = field(default_factory=dict)
    _verbs: dict[str, Verb] = field(default_factory=dict)
    _asked: list[HelpEntry] = field(default_factory=list)
    # Keeps text that reads like progress, sent outside an update, for the next "update" to offer.
    keep_words: Callable[[DialogContext, str], Awaitable[bool]] | None = None
    # Answers a question in plain words, if it is one (False: it is not, and nothing was sent).
    questions: Callable[[DialogContext, Caller, str], Awaitable[bool]] | None = None
    # What can be asked, with examples from the council's own plan.
    not_understood: Callable[[], Awaitable[str]] | None = None
    # Answers a dialog's card button pressed after its dialog ended (False: nothing to say of it).
    late_answer: Callable[[DialogContext, Mapping[str, Any]], Awaitable[bool]] | None = None

    def command(
        self,
        name: str,
        handler: Handler,
        *,
        help: str,
        usage: str | None = None,
        aliases: tuple[str, ...] = (),
        records: bool = False,
        examples: tuple[str, ...] = (),
        question: bool = False,
    ) -> Command:
        command = Command(
            name=" ".join(_words(name)),
            handler=handler,
            help=help,
            usage=usage or name,
            aliases=tuple(" ".join(_words(alias)) for alias in aliases),
            records=records,
            examples=examples,
            question=question,
        )
        for spoken in command.names:
            if spoken in self._commands:
                raise ValueError(f"command {spoken!r} is registered twice")
            self._commands[spoken] = command
        return command

    def verb(self, name: str, handler: Handler, *, records: bool = False) -> Verb:
        if name in self._verbs:
            raise ValueError(f"card verb {name!r} is registered twice")
        self._verbs[name] = Verb(name=name, handler=handler, records=records)
        return self._verbs[name]

    @property
    def commands(self) -> list[Command]:
        """Each command once, in the order registered."""
        return list(dict.fromkeys(self._commands.values()))

    @property
    def verbs(self) -> list[str]:
        return list(self._verbs)

    def asked(self, *, help: str, examples: tuple[str, ...]) -> None:
        """A question with no command of its own, for the help: "who owns recommendation 9?"."""
        self._asked.append(HelpEntry(usage=f"“{examples[0]}”", help=help))

    def help_entries(self) -> list[HelpEntry]:
        return [HelpEntry(usage=command.usage, help=command.help) for command in self.commands] + self._asked

    def match(self, text: str) -> CommandMatch | None:
        """The command the message starts with (the longest name wins), and the words after it."""
        words = _words(text)
        for spoken in sorted(self._commands, key=lambda name: -len(name.split())):
            length = len(spoken.split())
            if words[:length] == spoken.split():
                rest = text.split(maxsplit=length)
                return CommandMatch(self._commands[spoken], rest[length] if len(rest) > length else "")
        return None

    def typed_command(self, text: str) -> str | None:
        """`text` tidied if it is exactly a command ("update 13", "status", "my actions"), typed where
        an answer was asked for; None for anything else, including progress that begins like one
        ("Updated the website…", "Update: the survey went out on Monday")."""
        words = " ".join(text.split())
        if len(words.split()) > _TYPED_COMMAND_WORDS or looks_like_evidence(words):
            return None
        return words if self.match(words) is not None else None

    def suggests_an_act(self, text: str) -> bool:
        """Whether the message looks like a slip in a command that acts ("updte 7"), not a question
        ("overview of the waste review" starts with a word of asking, not a slip of "review")."""
        words = _words(text)
        if not words or is_asking_word(normalise(words[0])):
            return False
        nearest = self._nearest(words)
        return nearest is not None and not nearest[0].question

    def suggest(self, text: str) -> str | None:
        """The whole command it looks as if they meant ("stauts 7" → "status 7"), if a command's name
        is close enough to how the message starts. The words after it are kept only when they are
        plain (numbers, words): the reply must not carry markup back into the chat."""
        nearest = self._nearest(_words(text))
        if nearest is None:
            return None
        command, length = nearest
        rest = " ".join(text.split(maxsplit=length)[length:]).rstrip("?!.")
        return f"{command.name} {rest}" if _PLAIN_ARGUMENTS.fullmatch(rest) else command.name

    def _nearest(self, words: list[str]) -> tuple[Command, int] | None:
        """The command whose name is closest to how the message starts, and how many words it took."""
        best: tuple[float, Command, int] | None = None
        for spoken, command in self._commands.items():
            length = len(spoken.split())
            score = fuzz.ratio(" ".join(words[:length]), spoken)
            if score >= SUGGESTION_CUTOFF and (best is None or score > best[0]):
                best = (score, command, length)
        return None if best is None else (best[1], best[2])

    def closest(self, text: str, *, fill: tuple[str, ...], limit: int = 3) -> list[str]:
        """Up to `limit` command names for a message that is no command: those named like one of its
        words ("sliped" → slipped) first, then `fill` (the commands most people want). A typo keeps
        its first letter; without that test "earned" would be taken for "returned"."""
        words = _words(text)
        scored: list[tuple[float, str]] = []
        for command in self.commands:
            score = max(
                (
                    fuzz.ratio(typed, name)
                    for name in command.names
                    for i in range(len(words))
                    if (typed := " ".join(words[i : i + len(name.split())]))[0] == name[0]
                ),
                default=0.0,
            )
            if score >= CLOSEST_CUTOFF:
                scored.append((score, command.name))
        names = [name for _, name in sorted(scored, key=lambda found: -found[0])]
        return list(dict.fromkeys([*names, *fill]))[:limit]

    def verb_for(self, value: Mapping[str, Any]) -> Verb | None:
        verb = value.get("verb")
        return self._verbs.get(verb) if isinstance(verb, str) else None

    def help_text(self) -> str:
        """Every command with its help and other ways to ask it; the questions only ever asked in
        words come after the commands that are questions."""
        lines = [messages.HELP_HEADING]
        questions_end = max((i for i, c in enumerate(self.commands) if c.question), default=-1)
        asked = [messages.HELP_ENTRY.format(usage=entry.usage, help=entry.help) for entry in self._asked]
        for i, command in enumerate(self.commands):
            examples = ", ".join(f"“{e}”" for e in command.examples)
            more = messages.HELP_EXAMPLES.format(examples=examples) if examples else ""
            lines.append(messages.HELP_ENTRY.format(usage=command.usage, help=command.help) + more)
            if i == questions_end:
                lines += asked
        return "\n".join([*lines, *(asked if questions_end < 0 else []), messages.HELP_IN_ANY_WORDS])
