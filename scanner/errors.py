"""Errors that end a run with exit code 2 and a one-line message naming file and location."""

from __future__ import annotations

from typing import Any


class InputError(Exception):
    """Bad configuration, snapshot or other input. The message names file, location and field."""

    def __init__(self, path: str, location: str | int | None, message: str) -> None:
        self.path = str(path)
        self.location = location
        self.message = message
        super().__init__(self.one_line())

    def one_line(self) -> str:
        where = self.path if self.location in (None, "") else f"{self.path}:{self.location}"
        return f"{where}: {self.message}".replace("\n", " ")


_MESSAGES = {
    "missing": "missing field",
    "list_type": "expected an array",
    "dict_type": "expected an object",
    "model_type": "expected an object",
    "model_attributes_type": "expected an object",
    "is_instance_of": "expected {expected}",
    "string_type": "expected a string",
    "string_too_short": "expected a non-empty string",
    "int_type": "expected a whole number",
    "bool_type": "expected true or false",
    "extra_forbidden": "unknown field",
}


def first_error(exc: Any) -> tuple[tuple[str | int, ...], str]:
    """A pydantic ValidationError's first error: the path of input keys it concerns, and what was
    expected, in plain words."""
    first = exc.errors(include_url=False)[0]
    loc: list[str | int] = []
    for part in first["loc"]:
        if isinstance(part, str) and (part.startswith(("function-", "is-instance[", "constrained-")) or "[" in part):
            continue  # pydantic's names for validators and union members, not keys of the input
        loc.append(part.removesuffix("_") if isinstance(part, str) and part.endswith("_") else part)
    expected = {"list": "an array", "dict": "an object"}.get(str((first.get("ctx") or {}).get("class")), "")
    if first["type"] in _MESSAGES:
        return tuple(loc), _MESSAGES[first["type"]].format(expected=expected or "another type")
    return tuple(loc), first["msg"].replace("Input should be", "expected").removeprefix("Value error, ")


def validation_error(source: str, exc: Any, root: str = "$") -> InputError:
    """A pydantic ValidationError's first error as one line: file, JSON path, what was expected."""
    loc, message = first_error(exc)
    path = root
    for key in loc:
        path += f"[{key}]" if isinstance(key, int) else f".{key}" if key.isidentifier() else f"[{key!r}]"
    return InputError(source, path, message)


class EngineError(Exception):
    """A policy could not be evaluated on an input (a built-in's error on an unexpected value). The
    control is then unknown for that stamp; the scan goes on."""

    def __init__(self, policy_file: str, message: str) -> None:
        self.policy_file = policy_file
        self.message = message
        super().__init__(f"{policy_file}: {message}".replace("\n", " "))


class PolicyError(EngineError):
    """The policies themselves are broken (syntax, an unknown function, a server that refuses them):
    whatever the input, so the run ends with exit code 2."""
