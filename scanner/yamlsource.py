"""YAML loading that remembers the line of every value, so errors can name file, line and field."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import yaml

from scanner.errors import InputError
from scanner.files import read_input
from scanner.limits import DEPTH, YAML_FILE, YAML_NODES, find_fault

Loc = tuple[str | int, ...]


class _Composer(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml when PyYAML has it (a 500-stamp drready.yaml composes in 0.04 s instead of 0.5 s), safe
    types only, and no implicit timestamps: a date stays text for pydantic to judge with a line number
    (`expires: 2026-02-30` is an error of that field, not of the YAML library)."""

    yaml_implicit_resolvers: ClassVar[dict[Any, Any]] = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


def load_with_lines(path: Path) -> tuple[Any, dict[Loc, int]]:
    """Parse a YAML file within the input limits (scanner/limits.py); return the data and a map from
    value path to 1-based line number. Aliases are followed while indexing, so a billion-laughs file
    stops at the node limit instead of exhausting memory."""
    try:
        text = read_input(path, YAML_FILE).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(str(path), None, f"not UTF-8 text: {exc.reason} at byte {exc.start}") from exc
    try:
        node = yaml.compose(text, Loader=_Composer)
        if node is None:
            return None, {}
        lines = _index(node, path)
        data = yaml.SafeLoader("").construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise InputError(str(path), line, f"invalid YAML: {exc.problem or exc.context}") from exc
    except yaml.YAMLError as exc:  # a reader error: a control character or a byte-order problem
        raise InputError(str(path), None, f"invalid YAML: {str(exc).splitlines()[0]}") from exc
    fault = find_fault(data)
    if fault:
        raise InputError(str(path), line_of(lines, fault[0]), f"{dotted(fault[0])}: {fault[1]}")
    return data, lines


def _index(root: yaml.Node, path: Path) -> dict[Loc, int]:
    """The line of every value path. Iterative and bounded by YAML_NODES, since aliases can make a small
    file a huge (or, with a recursive anchor, endless) document."""
    lines: dict[Loc, int] = {}
    limit, max_depth = YAML_NODES.value, DEPTH.value
    stack: list[tuple[yaml.Node, Loc]] = [(root, ())]
    while stack:
        node, loc = stack.pop()
        lines.setdefault(loc, node.start_mark.line + 1)
        if len(lines) > limit:
            raise InputError(str(path), lines[loc], YAML_NODES.exceeded("the document with its aliases expanded"))
        if len(loc) > max_depth:
            raise InputError(str(path), lines[loc], DEPTH.exceeded(f"nesting of {len(loc)} levels"))
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key = (*loc, key_node.value)
                lines[key] = key_node.start_mark.line + 1  # a key's line, where its value may start later
                stack.append((value_node, key))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, (*loc, i)) for i, item in enumerate(node.value))
    return lines


def line_of(lines: dict[Loc, int], loc: Loc) -> int | None:
    """The line of `loc`, or of its nearest ancestor that has one."""
    loc = tuple(loc)
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return lines.get(())


def dotted(loc: Loc) -> str:
    """('stamps', 1, 'kind') -> 'stamps[1].kind'."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(document)"
