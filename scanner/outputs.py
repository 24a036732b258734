"""An output folder (--out) is replaced as a set: a run that is killed, or fails, leaves it holding the
whole previous set or the whole new one, never a mix, and two runs into one folder take turns.

How: every file is written into a staging folder beside --out; then, holding a lock beside --out,
files in --out that drready did not write (listed in no earlier set's manifest) are moved into the
staging folder, and the two folders swap in one atomic step (Linux renameat2 RENAME_EXCHANGE; elsewhere
two renames, repaired on the next run if cut between them). Leftovers of a killed run are tidied by the
next run under the same lock.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from scanner.errors import InputError

MANIFEST = ".drready-set"  # the names of the set drready wrote into this folder
MOVED = ".drready-moved"  # the user's own entries carried into a staging folder, until the swap
OWNER = ".drready-owner"  # the process id of the run filling a staging folder
LOCK_WAIT = "DRREADY_LOCK_WAIT"  # seconds a run waits for another one writing the same --out


@contextlib.contextmanager
def output_set(out_dir: Path) -> Iterator[Path]:
    """Yield an empty staging folder; when the block succeeds, it becomes out_dir; when it fails, out_dir
    is as it was (and is not created)."""
    out_dir = out_dir.absolute()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with _locked(out_dir):
        _tidy(out_dir)
        # Made and marked as in use under the lock: another run tidies only under the lock, so it never
        # sees this folder before its owner mark (it removed an unmarked one as a killed run's).
        stage = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}.staging."))
        try:
            (stage / OWNER).write_text(str(os.getpid()), encoding="utf-8")
        except OSError:
            shutil.rmtree(stage, ignore_errors=True)
            raise
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(stage, 0o777 & ~umask)  # mkdtemp makes it private; --out is an ordinary folder
    try:
        yield stage
        with _locked(out_dir):
            _tidy(out_dir)
            _publish(stage, out_dir)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _publish(stage: Path, out_dir: Path) -> None:
    (stage / OWNER).unlink()
    new = sorted(p.name for p in stage.iterdir())
    (stage / MANIFEST).write_text("\n".join(new) + "\n", encoding="utf-8")
    if not out_dir.exists():
        os.rename(stage, out_dir)
        return
    if not out_dir.is_dir():
        raise InputError(str(out_dir), None, "--out names a file, not a folder")
    earlier = _manifest(out_dir)
    own = [p.name for p in out_dir.iterdir() if p.name not in earlier and p.name not in new and p.name != MANIFEST]
    (stage / MOVED).write_text("\n".join(own) + "\n", encoding="utf-8")
    for name in own:
        os.rename(out_dir / name, stage / name)
    _swap(stage, out_dir)
    with contextlib.suppress(FileNotFoundError):
        (out_dir / MOVED).unlink()


def _manifest(folder: Path) -> set[str]:
    try:
        return set((folder / MANIFEST).read_text(encoding="utf-8").split())
    except FileNotFoundError:
        return set()


def _swap(stage: Path, out_dir: Path) -> None:
    """out_dir takes stage's content and stage out_dir's, atomically where the system can."""
    if _exchange(stage, out_dir):
        return
    old = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}.old."))
    os.rename(out_dir, old / "set")
    os.rename(stage, out_dir)
    os.mkdir(stage)  # the caller removes it
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):  # an old kernel or a file system without it
        return False
    raise OSError(code, os.strerror(code), str(b))


def _tidy(out_dir: Path) -> None:
    """Put right what a killed run left: a staging folder still holding the user's entries gives them
    back; a folder between the two renames of _swap is restored; other leftovers are removed."""
    parent, name = out_dir.parent, out_dir.name
    for old in parent.glob(f".{name}.old.*"):
        if (old / "set").is_dir() and not out_dir.exists():
            os.rename(old / "set", out_dir)
        shutil.rmtree(old, ignore_errors=True)
    for stale in parent.glob(f".{name}.staging.*"):
        if _in_use(stale):
            continue
        moved = stale / MOVED
        if moved.exists() and out_dir.is_dir():
            for entry in moved.read_text(encoding="utf-8").split():
                if (stale / entry).exists() and not (out_dir / entry).exists():
                    os.rename(stale / entry, out_dir / entry)
        shutil.rmtree(stale, ignore_errors=True)


def _in_use(stage: Path) -> bool:
    """A staging folder a live run is still filling (runs write there without the lock)."""
    try:
        pid = int((stage / OWNER).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, under another user
        return True
    return True


@contextlib.contextmanager
def _locked(out_dir: Path) -> Iterator[None]:
    """An exclusive lock on .<name>.lock beside out_dir; waits DRREADY_LOCK_WAIT seconds (default 600),
    then exit 2 naming the lock."""
    try:
        import fcntl
    except ImportError:  # Windows: runs into one --out are not serialised there
        yield
        return
    wait = float(os.environ.get(LOCK_WAIT, "600"))
    lock = out_dir.parent / f".{out_dir.name}.lock"
    with open(lock, "a+b") as handle:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise InputError(str(lock), None, f"another drready run is writing {out_dir}") from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
