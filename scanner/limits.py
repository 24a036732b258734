"""Limits on what drready reads, so that no input can exhaust memory or time (a 128 MB resource name
once drove a scan to 5.9 GB and 3.6 GB of reports). Each limit is named in the error that enforces it,
with the environment variable that raises it."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Any

from scanner.errors import InputError

INT64 = 1 << 63  # rego-cpp keeps numbers as int64_t: a larger one is refused here, not deep in the engine


@dataclass(frozen=True)
class Limit:
    what: str
    env: str
    default: int
    unit: str
    scale: int = 1

    @property
    def value(self) -> int:
        """The limit in bytes, characters or levels: read on every use, so a test or a wrapper can set it."""
        raw = os.environ.get(self.env)
        if raw is None:
            return self.default * self.scale
        if not raw.strip().isdigit() or int(raw) < 1:
            raise InputError(self.env, None, f"expected a whole number of {self.unit} above 0, got {raw!r}")
        return int(raw) * self.scale

    def exceeded(self, found: str) -> str:
        shown = self.value // self.scale
        return f"{found} is over the {self.what} limit of {shown} {self.unit} (raise it with {self.env}=N)"


FILE = Limit("input file size", "DRREADY_MAX_FILE_MB", 2048, "MB", 1 << 20)
YAML_FILE = Limit("YAML file size", "DRREADY_MAX_YAML_MB", 16, "MB", 1 << 20)
YAML_NODES = Limit("YAML size after aliases", "DRREADY_MAX_YAML_NODES", 200_000, "nodes")
RESPONSE = Limit("response size", "DRREADY_MAX_RESPONSE_MB", 256, "MB", 1 << 20)
STRING = Limit("string length", "DRREADY_MAX_STRING_KB", 1024, "KB", 1 << 10)
DEPTH = Limit("nesting depth", "DRREADY_MAX_DEPTH", 64, "levels")


def check_values(data: Any, source: str, root: str = "$") -> None:
    """Refuse a value no control can have a use for (see `find_fault`), naming its JSON path."""
    fault = find_fault(data)
    if fault:
        raise InputError(source, json_path(root, fault[0]), fault[1])


def find_fault(data: Any) -> tuple[tuple[Any, ...], str] | None:
    """The path and description of the first string or key over STRING, nesting over DEPTH, integer
    outside int64, NaN or infinity in `data`. Iterative, so depth cannot exhaust Python's stack. A fast
    pass without paths runs on every snapshot (100,000 resources, 8 million values: 1.5 s); only when it
    finds a fault does a second pass trace its path."""
    max_string, max_depth = STRING.value, DEPTH.value
    if _clean(data, max_string, max_depth):
        return None
    stack: list[tuple[Any, int, tuple[Any, ...]]] = [([data], 0, ())]
    while stack:
        container, depth, loc = stack.pop()
        if depth > max_depth:
            return loc, DEPTH.exceeded(f"nesting of {depth} levels")
        pairs = container.items() if type(container) is dict else enumerate(container)
        for key, item in pairs:
            here = (*loc, key) if depth else ()
            if type(key) is str and len(key) > max_string:
                return loc, STRING.exceeded(f"a key of {len(key):,} characters")
            fault = _scalar_fault(item, max_string)
            if fault:
                return here, fault
            if type(item) is dict or type(item) is list:
                stack.append((item, depth + 1, here))
    return None


def _clean(data: Any, max_string: int, max_depth: int) -> bool:
    """True when nothing in `data` breaks a limit (the hot loop: no paths, C-speed key lengths)."""
    stack = [([data], 0)]
    pop, push = stack.pop, stack.append
    while stack:
        container, depth = pop()
        if depth > max_depth:
            return False
        if type(container) is dict:
            try:
                if container and max(map(len, container)) > max_string:
                    return False
            except TypeError:  # a YAML key that is not a string: the slow pass judges it
                return False
            values: Any = container.values()
        else:
            values = container
        depth += 1
        for item in values:
            kind = type(item)
            if kind is str:
                if len(item) > max_string:
                    return False
            elif kind is dict or kind is list:
                push((item, depth))
            elif kind is int:
                if not -INT64 <= item < INT64:
                    return False
            elif kind is float and not math.isfinite(item):
                return False
    return True


def _scalar_fault(item: Any, max_string: int) -> str | None:
    kind = type(item)
    if kind is str and len(item) > max_string:
        return STRING.exceeded(f"a string of {len(item):,} characters")
    if kind is int and not -INT64 <= item < INT64:
        return "a number outside the 64-bit integer range"
    if kind is float and not math.isfinite(item):
        return f"{item} is not a number drready accepts"
    return None


def json_path(root: str, loc: tuple[Any, ...]) -> str:
    out = root
    for key in loc:
        out += f"[{key}]" if isinstance(key, int) else f".{key}" if str(key).isidentifier() else f"[{key!r}]"
    return out
