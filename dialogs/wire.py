"""An activity's JSON exactly as msrest writes it, for a fraction of msrest's CPU.

Every message the bot sends is turned into JSON by msrest (the connector client's request body), and
every question a dialog keeps waiting is too (`AnswerPrompt`). msrest first rebuilds the activity
("deserialises" it, so that dicts where models go become models), validates it, then walks it through
a dozen calls per attribute: about 0.5 ms for a message with a card, up to a tenth of a turn.

`Serializer` here writes the same JSON directly when the activity is already made of models (as
botbuilder's own code and ours build them): each attribute by its key in the model's attribute map,
None left out, models and lists of models by the same rule, every other value by msrest's own method
for its type. Anything else (a dict where a model goes, a model with validation rules or XML) is left
to msrest whole, so the JSON is msrest's either way; `tests/test_wire.py` compares the two.
"""

from __future__ import annotations

from typing import Any

import botbuilder.schema
import msrest
from msrest.exceptions import SerializationError
from msrest.serialization import Model

_JSON_SCALARS = frozenset({str, int, float, bool, type(None)})


def _plain(value: object) -> bool:
    """JSON's own types all the way down (exactly: msrest writes a subclass such as an enum as str()).
    A loop, not recursion: a status card has some thousands of values, and this runs for each send."""
    waiting: list[Any] = [value]
    while waiting:
        item = waiting.pop()
        kind = type(item)
        if kind is dict:
            if not all(type(key) is str for key in item):
                return False
            waiting.extend(item.values())
        elif kind is list:
            waiting.extend(item)
        elif kind not in _JSON_SCALARS:
            return False
    return True


class _Irregular(Exception):
    """A value msrest would convert before writing it: msrest writes the whole activity instead."""


# How each attribute of a model class is written: its name, JSON key, msrest type, and whether it holds
# a model ("model"), a list of models ("list"), or anything else (None).
_Fields = tuple[tuple[str, str, str, str | None], ...]


class Serializer(msrest.Serializer):
    """msrest's serializer, with the direct path for activities made of models, and JSON-ready values
    of "object" fields passed as they are.

    An attachment's content (a card) is such a field, and msrest copies it value by value through
    several calls apiece. For plain dicts, lists, strings, numbers, booleans and None its copy equals
    the original, so the original is written.
    """

    def __init__(self, classes: dict[str, type] | None = None) -> None:
        super().__init__(classes)
        self._fields: dict[type, _Fields] = {}

    def serialize_object(self, attr: Any, **kwargs: Any) -> Any:
        if isinstance(attr, Model):  # a card made with botbuilder's models (a HeroCard)
            return self.wire_form(attr)
        return attr if _plain(attr) else super().serialize_object(attr, **kwargs)

    def body(self, data: Any, data_type: str, **kwargs: Any) -> Any:
        """A request body: msrest's `body`, directly for a model of the named type."""
        model_class = self.dependencies.get(data_type)
        if not kwargs and model_class is not None and isinstance(data, model_class):
            try:
                return self._model(data)
            except _Irregular:
                pass
        return super().body(data, data_type, **kwargs)

    def wire_form(self, model: Model) -> dict[str, Any]:
        """What `model.serialize()` returns."""
        try:
            return self._model(model)
        except _Irregular:
            written: dict[str, Any] = self._serialize(model)
            return written

    def _fields_of(self, model_class: type) -> _Fields:
        fields = self._fields.get(model_class)
        if fields is None:
            # Validation rules, XML or flattened keys ("a.b") take msrest's own path: none in botbuilder.
            if getattr(model_class, "_validation", None) or model_class.is_xml_model():  # type: ignore[attr-defined]
                raise _Irregular
            entries = []
            for name, description in model_class._attribute_map.items():  # type: ignore[attr-defined]
                key, kind = description["key"], description["type"]
                if not key or "." in key or "\\" in key:
                    raise _Irregular
                inner = kind.strip("[]{}")
                holds = None
                if inner in self.dependencies and issubclass(self.dependencies[inner], Model):
                    holds = "model" if kind == inner else "list" if kind == f"[{inner}]" else None
                    if holds is None:
                        raise _Irregular  # a dict of models: not in an activity
                entries.append((name, key, kind, holds))
            fields = self._fields[model_class] = tuple(entries)
        return fields

    def _model(self, model: Model) -> dict[str, Any]:
        written: dict[str, Any] = {}
        for name, key, kind, holds in self._fields_of(type(model)):
            value = getattr(model, name, _Irregular)
            if value is _Irregular:
                raise _Irregular  # msrest refuses a model without one of its attributes
            if value is None or key in written:  # msrest: None is left out; the first of a key stands
                continue
            if holds == "model":
                if not isinstance(value, Model):
                    raise _Irregular
                written[key] = self._model(value)
            elif holds == "list":
                if type(value) is not list or not all(isinstance(item, Model | None) for item in value):
                    raise _Irregular
                written[key] = [None if item is None else self._model(item) for item in value]
            elif type(value) is str and kind == "str":
                written[key] = value
            else:
                try:
                    written[key] = self.serialize_data(value, kind)
                except SerializationError:
                    raise
                except ValueError:
                    continue  # as msrest: a value it cannot convert is left out
        return written


# For botbuilder's models, resolving type names as `Model.serialize` does (against the model's package).
SCHEMA = Serializer(
    {name: value for name, value in vars(botbuilder.schema).items() if isinstance(value, type)}
)
