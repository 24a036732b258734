"""Writing outputs without leaving partial files: write to a temporary file, then rename."""

from __future__ import annotations

import contextlib
import gc
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from scanner.errors import InputError


def canonical_json(data: Any) -> str:
    """Deterministic JSON: sorted keys, fixed indentation, trailing newline. orjson, because the
    standard library's encoder is pure Python once it indents (seconds for a 100,000-finding result)."""
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode("utf-8") + "\n"


def write_atomic(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content.encode("utf-8") if isinstance(content, str) else content)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def staged_dir(out_dir: Path) -> Iterator[Path]:
    """Yield an empty staging folder; on success move its files into out_dir, on error discard it.

    out_dir itself is created only when every output has been written.
    """
    parent = out_dir.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(dir=parent, prefix=f".{out_dir.name}.staging."))
    try:
        yield stage
        out_dir.mkdir(parents=True, exist_ok=True)
        for item in sorted(stage.iterdir()):
            os.replace(item, out_dir / item.name)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def read_json(path: Path) -> Any:
    """A JSON file, or exit 2 naming the file and the line:column of the syntax error. orjson with the
    cyclic garbage collector paused (a 250 MB snapshot: 1.5 s where json takes 3.6 s; millions of new
    containers, none of them garbage, otherwise set off full collections); the standard library's parser
    only to word an error."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), None, f"cannot read file: {exc.strerror}") from exc
    enabled = gc.isenabled()
    gc.disable()
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        pass
    finally:
        if enabled:
            gc.enable()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(str(path), None, f"not UTF-8 text: {exc.reason} at byte {exc.start}") from exc
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(str(path), f"{exc.lineno}:{exc.colno}", f"malformed JSON: {exc.msg}") from exc
    raise InputError(str(path), None, "malformed JSON")
