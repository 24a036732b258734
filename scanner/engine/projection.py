"""What the policies can read of a resource, so the engines are given only that.

rego-cpp 1.5.2 spends about 15 us on each key of its input document (measured with set_input_term,
whatever the string lengths), and Resource Graph rows carry dozens of properties no control reads: a
200-resource stamp of the demo's published shapes spent 0.9 s loading its input and 0.15 s
evaluating. A Rego policy can only reach an object key it names (a ref like `r.properties.sku` or a
string in an `object.get` path), so each resource keeps, of each object, the keys that appear as
identifiers or string literals in the policies, except:

- objects none of whose keys is named (maps such as `identity.userAssignedIdentities`): kept whole;
- `tags`: kept by the tag names the policies name, in any case (ARM tag names are case-insensitive).

The rule this puts on policy authors (README, "Writing policies"): name the fields you read; do not
compare, count or print whole resource objects. tests/test_controls.py proves every case table and
the demo give identical results with and without the projection.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# Comments, double-quoted strings and raw strings, in source order (a "#" inside a string is not a
# comment, and a raw string may span lines).
_TOKEN = re.compile(r'#[^\n]*|"(?P<string>(?:[^"\\\n]|\\.)*)"|`(?P<raw>[^`]*)`')
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Projection:
    keys: frozenset[str]
    lower_keys: frozenset[str]

    @classmethod
    def of(cls, sources: Iterable[str]) -> Projection:
        keys: set[str] = set()
        for source in sources:
            code, literals = _split_literals(source)
            keys.update(_IDENTIFIER.findall(code))
            keys.update(literals)
        return cls(frozenset(keys), frozenset(k.lower() for k in keys))

    def resource(self, resource: dict[str, Any]) -> dict[str, Any]:
        return self._value(resource)

    def _value(self, value: Any) -> Any:
        if isinstance(value, dict):
            named = [k for k in value if k in self.keys]
            if not named:
                return value
            return {k: self._tags(value[k]) if k == "tags" else self._value(value[k]) for k in named}
        if isinstance(value, list):
            return [self._value(v) for v in value]
        return value

    def _tags(self, tags: Any) -> Any:
        if not isinstance(tags, dict):
            return tags
        return {k: v for k, v in tags.items() if str(k).lower() in self.lower_keys}


def _split_literals(source: str) -> tuple[str, list[str]]:
    """The module's code without comments and strings, and the strings' contents."""
    literals: list[str] = []
    code: list[str] = []
    pos = 0
    for match in _TOKEN.finditer(source):
        code.append(source[pos : match.start()])
        pos = match.end()
        literal = match.group("string") if match.group("string") is not None else match.group("raw")
        if literal is not None:
            literals.append(literal)
    code.append(source[pos:])
    return " ".join(code), literals
