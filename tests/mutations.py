"""Hypothesis strategies that mutate real input files the way a broken tool, a hand edit or an attacker
would: deleted, re-typed, re-cased and duplicated keys, odd values (nulls, huge numbers, NaN, long and
control-character strings, impossible dates), deep nesting, and text-level damage (flipped bytes,
truncation, YAML tags and aliases, JSON literals no parser should accept)."""

from __future__ import annotations

import copy
import json
from typing import Any

import yaml
from hypothesis import strategies as st

ODD_VALUES: list[Any] = [
    None,
    True,
    0,
    -1,
    1.5,
    2**63,
    2**64 + 1,
    -(2**70),
    1e308,
    float("nan"),
    float("inf"),
    "",
    " ",
    "\x00",
    "\u202e",
    "x" * 5000,
    '=HYPERLINK("https://example.invalid","x")',
    "@everyone https://example.invalid",
    "2026-02-30",
    "0o777",
    "1h30x",
    "unbounded",
    [],
    {},
    [None],
    {"": None},
    [[[[[]]]]],
]
YAML_SNIPPETS = [
    "!!python/object/apply:os.system ['true']",
    "&a [*a]",
    "\x07",
    ".nan",
    "-.inf",
    "0o777",
    "{",
    "? [a, b]",
    "*undefined",
    "!!binary aGk=",
    "!!set {a, b}",
    "2026-02-30",
    "123456789012345678901234567890",
]
JSON_SNIPPETS = ["NaN", "1e999", "[", "\x00", '"\\ud800"', "123456789012345678901234567890", "{}", "null", ",", '"']
JSON_SNIPPETS.append("[" * 1200)


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(doc, dict):
        for key, value in doc.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            out += _paths(value, (*prefix, i))
    return out


def _parent(doc: Any, path: tuple[Any, ...]) -> Any:
    for key in path[:-1]:
        doc = doc[key]
    return doc


def _nested(value: Any, depth: int) -> Any:
    for _ in range(depth):
        value = {"a": value}
    return value


@st.composite
def structural(draw: st.DrawFn, doc: Any, depths: tuple[int, ...] = (70, 900)) -> Any:
    """`doc` after one to three changes at paths drawn from it (`deep` nests a value `depths` levels)."""
    doc = copy.deepcopy(doc)
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(doc)
        if not paths:
            return draw(st.sampled_from(ODD_VALUES))
        path = draw(st.sampled_from(paths))
        parent, key = _parent(doc, path), path[-1]
        op = draw(st.sampled_from(["delete", "odd", "recase", "duplicate", "wrap", "text", "deep"]))
        if op == "delete":
            del parent[key]
        elif op == "odd":
            parent[key] = draw(st.sampled_from(ODD_VALUES))
        elif op == "recase" and isinstance(key, str):
            parent[key.upper() if key.islower() else key.lower()] = parent.pop(key)
        elif op == "duplicate" and isinstance(key, str):
            # A shared reference, not a deep copy: an earlier "deep" mutation may have nested the value
            # past Python's recursion limit, and the serialised text is the same either way.
            parent[key.title() if key != key.title() else key.upper()] = parent[key]
        elif op == "wrap":
            parent[key] = [parent[key]]
        elif op == "text":
            parent[key] = json.dumps(parent[key], default=str)
        elif op == "deep":
            parent[key] = _nested(parent[key], draw(st.sampled_from(depths)))
    return doc


@st.composite
def textual(draw: st.DrawFn, text: str, snippets: list[str]) -> bytes:
    """`text` with a snippet inserted at a line start, a byte flipped, or cut short."""
    data = text.encode("utf-8")
    op = draw(st.sampled_from(["insert", "flip", "cut"]))
    if op == "insert":
        starts = [0] + [i + 1 for i, c in enumerate(data) if c == 0x0A]
        at = draw(st.sampled_from(starts))
        snippet = draw(st.sampled_from(snippets)).encode("utf-8")
        return data[:at] + snippet + data[at:]
    at = draw(st.integers(0, max(len(data) - 1, 0)))
    if op == "flip":
        return data[:at] + bytes([data[at] ^ draw(st.sampled_from([0x01, 0x20, 0x80, 0xFF]))]) + data[at + 1 :]
    return data[:at]


def yaml_mutations(text: str) -> st.SearchStrategy[bytes]:
    doc = yaml.safe_load(text)
    # PyYAML's own dumper recurses, so YAML is nested no deeper than 70.
    dumped = structural(doc, (70,)).map(
        lambda d: yaml.safe_dump(d, sort_keys=False, allow_unicode=False).encode("utf-8")
    )
    return st.one_of(dumped, textual(text, YAML_SNIPPETS))


def json_mutations(text: str) -> st.SearchStrategy[bytes]:
    doc = json.loads(text)
    return st.one_of(structural(doc).map(lambda d: json.dumps(d).encode("utf-8")), textual(text, JSON_SNIPPETS))
