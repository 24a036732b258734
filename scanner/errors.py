"""Errors that end a run with exit code 2 and a one-line message naming file and location."""

from __future__ import annotations


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
