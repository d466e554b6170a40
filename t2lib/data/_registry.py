"""Registry of the public data sets and the pinned, checksummed fetch.

Every file the book reads is listed in ``registry.txt`` with its path under the
data cache (the layout mirrors the project's ``../shared/data``), its sha256 and
its upstream raw URL at a pinned commit. :func:`~t2lib.data.fetch` returns a local path:
it uses the cached copy when its checksum matches, downloads it with pooch
(checksum verified) when it is missing, and raises otherwise.

The cache directory is ``$T2LIB_DATA_DIR`` when set, else pooch's per-user cache.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DataFile", "REGISTRY", "data_dir", "fetch", "DataError"]


class DataError(ValueError):
    """A registered data file is missing and cannot be fetched, or its checksum differs."""


@dataclass(frozen=True)
class DataFile:
    """One registered file: cache-relative ``key``, expected ``sha256`` and upstream ``url``."""

    key: str
    sha256: str
    url: str


def _load_registry() -> dict[str, DataFile]:
    out: dict[str, DataFile] = {}
    text = (Path(__file__).with_name("registry.txt")).read_text()
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key, sha, url = line.split()
        out[key] = DataFile(key, sha, url)
    return out


#: Every public data file the book uses, by key: its pinned URL and sha256 (read from ``registry.txt``).
REGISTRY: dict[str, DataFile] = _load_registry()


def data_dir() -> Path:
    """The data cache: ``$T2LIB_DATA_DIR`` if set, else pooch's OS cache for ``t2lib``.

    Raises
    ------
    DataError
        If ``T2LIB_DATA_DIR`` is set but is not an existing directory (a typo would otherwise silently start
        a new, empty cache and download everything into it).
    """
    env = os.environ.get("T2LIB_DATA_DIR")
    if env:
        path = Path(env).expanduser().resolve()
        if not path.is_dir():
            raise DataError(
                f"T2LIB_DATA_DIR={env!r} is not an existing directory; create it (an empty folder is a fresh cache) "
                "or unset T2LIB_DATA_DIR to use the per-user cache"
            )
        return path
    import pooch

    return Path(pooch.os_cache("t2lib"))


def _sha256(path: Path) -> str:
    """sha256 of the file's current bytes: hashed on every call, so an in-place edit is always seen."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _checked(path: Path, entry: DataFile) -> Path:
    got = _sha256(path)
    if got != entry.sha256:
        raise DataError(
            f"checksum mismatch for data file {entry.key} at {path}: expected sha256 {entry.sha256}, got {got}. "
            f"Delete the file to download it again from {entry.url}"
        )
    return path


def fetch(key: str) -> Path:
    """Return the local path of a registered file, downloading and verifying it if needed.

    Parameters
    ----------
    key : str
        Path of the file under the data cache, e.g. ``"chinchilla/svg_extracted_data.csv"``.

    Raises
    ------
    DataError
        If ``key`` is not registered, the cached copy's sha256 differs from the
        registry, or the file is missing and cannot be downloaded.
    """
    if not isinstance(key, str) or not key:
        raise DataError(f"key must be the registered path of a data file (a string); got {key!r}")
    if key not in REGISTRY:
        close = [k for k in REGISTRY if k.split("/")[0] == key.split("/")[0]][:5]
        raise DataError(f"key {key!r} is not a registered data file (e.g. {close or list(REGISTRY)[:3]})")
    entry = REGISTRY[key]
    path = data_dir() / key
    if path.exists():
        return _checked(path, entry)
    import pooch

    try:
        got = pooch.retrieve(
            entry.url, known_hash=f"sha256:{entry.sha256}", fname=path.name, path=path.parent, progressbar=False
        )
    except Exception as exc:  # network down, 404, or checksum mismatch after download
        raise DataError(
            f"data file {entry.key} is not in the cache {data_dir()} and could not be downloaded from {entry.url} "
            f"(expected sha256 {entry.sha256}): {type(exc).__name__}: {exc}. "
            "Set T2LIB_DATA_DIR to a directory holding a copy (layout as ../shared/data)."
        ) from exc
    return Path(got)
