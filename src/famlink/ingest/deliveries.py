"""Daily deliveries: a folder per delivery, holding one sub-folder of files per feed.

``famlink run --watch DIR`` takes each delivery folder in ``DIR`` in name order (``2026-07-25``
before ``2026-07-26``), moves its files to where their feed reads from, and runs the
pipeline, which loads them as new batches and links only the new records. A delivery
should appear in ``DIR`` whole (write it elsewhere, then move it in), as usual for drops.
"""

from __future__ import annotations

import fnmatch
import shutil
from pathlib import Path

from famlink.errors import FamlinkError
from famlink.project import Project


def pending(folder: Path) -> list[Path]:
    """The delivery folders waiting in ``folder``, oldest name first."""
    if not folder.is_dir():
        raise FamlinkError(f"{folder} is not a folder: --watch needs the folder deliveries "
                           "arrive in")
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def _target(project: Project, feed: str, file: Path) -> Path:
    pattern = project.root / project.feeds[feed].source.path
    target = pattern.parent / file.name
    if "*" in str(pattern.parent) or not fnmatch.fnmatch(str(target), str(pattern)):
        raise FamlinkError(f"{file}: feed {feed!r} reads {project.feeds[feed].source.path}, "
                           f"which the name {file.name!r} does not match; rename the file or "
                           f"widen the feed's source path")
    if target.exists():
        raise FamlinkError(f"{file}: {target} already exists; a delivery never overwrites a "
                           "file already loaded (give the new file a new name)")
    return target


def take(project: Project, delivery: Path) -> list[Path]:
    """Move a delivery's files to their feeds' folders; checked in full before any move."""
    moves: list[tuple[Path, Path]] = []
    for feed_dir in sorted(p for p in delivery.iterdir() if p.is_dir()):
        if feed_dir.name not in project.feeds:
            raise FamlinkError(f"{feed_dir}: no feed called {feed_dir.name!r} (feeds: "
                               f"{', '.join(sorted(project.feeds))}); nothing was moved")
        moves += [(f, _target(project, feed_dir.name, f))
                  for f in sorted(feed_dir.iterdir()) if f.is_file()]
    strays = [p.name for p in delivery.iterdir() if p.is_file()]
    if strays:
        raise FamlinkError(f"{delivery}: files outside a feed folder ({', '.join(strays)}); "
                           "put each file in a folder named after its feed; nothing was moved")
    for source, target in moves:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(source, target)
    shutil.rmtree(delivery)
    return [t for _, t in moves]
