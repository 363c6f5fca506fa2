"""Writing files so that a second run changes nothing, and releases of the code.

`write` compares content and mode before touching a file; `release` copies the
checkout's tracked files into /opt/jiedai/releases/<version>-<digest>, named by
their content, so the same code is one release and a new checkout another.
`current` is a symlink to the release being served; upgrade switches it and,
on failure, switches it back.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from . import APP_HOME, Root

EXCLUDED_PARTS = {".git", ".venv", "build", "instance", "instance-central", "__pycache__",
                  ".pytest_cache", ".hypothesis", "node_modules"}


@dataclass
class Changes:
    """What one run wrote, and what it found already right."""

    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)

    def note(self, path: Path, changed: bool) -> None:
        (self.written if changed else self.unchanged).append(path)


def write(path: Path, content: str | bytes, mode: int, changes: Changes) -> None:
    data = content.encode() if isinstance(content, str) else content
    if path.is_file() and not path.is_symlink() and path.read_bytes() == data:
        changed = (path.stat().st_mode & 0o7777) != mode
        if changed:
            os.chmod(path, mode)
        changes.note(path, changed)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(partial, mode)
    os.replace(partial, path)
    changes.note(path, True)


def symlink(path: Path, target: str, changes: Changes) -> None:
    if path.is_symlink() and os.readlink(path) == target:
        changes.note(path, False)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    if partial.is_symlink() or partial.exists():
        partial.unlink()
    partial.symlink_to(target)
    os.replace(partial, path)  # atomic: the server never sees a missing `current`
    changes.note(path, True)


def tracked_files(checkout: Path) -> list[Path]:
    """The checkout's files: git's tracked files, or every file but builds and caches."""
    if (checkout / ".git").exists():
        listed = subprocess.run(["git", "-C", str(checkout), "ls-files", "-z"], check=True,
                                capture_output=True).stdout.decode().split("\0")
        return sorted(checkout / name for name in listed if name and (checkout / name).is_file())
    found = []
    for directory, dirs, names in os.walk(checkout):
        dirs[:] = sorted(d for d in dirs if d not in EXCLUDED_PARTS and not d.endswith(".egg-info"))
        found += [Path(directory) / name for name in names if not name.endswith(".pyc")]
    return sorted(found)


def release_name(checkout: Path, version: str) -> str:
    digest = hashlib.sha256()
    for path in tracked_files(checkout):
        digest.update(str(path.relative_to(checkout)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return f"{version}-{digest.hexdigest()[:12]}"


def version_of(checkout: Path) -> str:
    for line in (checkout / "pyproject.toml").read_text().splitlines():
        if line.startswith("version"):
            return line.split("=", 1)[1].strip().strip('"')
    return "0"


def release(checkout: Path, root: Root, changes: Changes) -> Path:
    """Copy the checkout's files into a release folder named by their content."""
    name = release_name(checkout, version_of(checkout))
    target = root(APP_HOME / "releases" / name)
    for source in tracked_files(checkout):
        relative = source.relative_to(checkout)
        mode = 0o755 if os.access(source, os.X_OK) else 0o644
        write(target / relative, source.read_bytes(), mode, changes)
    return target


def remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)
