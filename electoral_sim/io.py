"""Atomic file output: nothing half-written is ever taken for a result."""
from __future__ import annotations

import json
import os
import socket
import tempfile
import time
from contextlib import contextmanager
from glob import escape as glob_escape
from pathlib import Path
from typing import Any, Iterator

TABLE_FORMATS = ("csv", "parquet", "json")


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: read once at import: setting the umask to read it is process-wide, and
#: Snakemake writes run files from several threads at once
_UMASK = _read_umask()


#: the host name in temporary file names: a writer's pid means something only there
_HOST = socket.gethostname().split(".")[0] or "host"
#: a temporary file from another host is stale once this old (seconds)
STALE_AFTER = 24 * 3600


def _temp_prefix(target: Path) -> str:
    return f".{target.name}."


def _remove_stale_temps(target: Path) -> None:
    """Remove temporary files of ``target`` left by writers that were killed.

    A temporary file is named ``.<name>.<host>-<pid>.<random>.tmp``. It is
    stale when its writer is gone: the pid is not alive on this host, or,
    from another host, the file is older than :data:`STALE_AFTER`.
    """
    prefix = _temp_prefix(target)
    for tmp in target.parent.glob(f"{glob_escape(prefix)}*.tmp"):
        writer = tmp.name[len(prefix):].split(".", 1)[0]
        host, _, pid = writer.rpartition("-")
        try:
            if host == _HOST and pid.isdigit():
                if int(pid) == os.getpid() or _alive(int(pid)):
                    continue
            elif time.time() - tmp.stat().st_mtime < STALE_AFTER:
                continue
            tmp.unlink()
        except OSError:  # gone already, or not ours to remove
            pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` on success.

    On any error the temporary file is removed and ``path`` is left untouched;
    an ``OSError`` names ``path``, not the temporary file. A writer killed
    outright (SIGKILL, power loss) cannot remove its temporary file: the next
    write of the same ``path`` does (see :func:`_remove_stale_temps`).
    """
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_temps(target)
        fd, tmp = tempfile.mkstemp(prefix=f"{_temp_prefix(target)}{_HOST}-{os.getpid()}.", suffix=".tmp",
                                   dir=target.parent)
    except OSError as exc:
        raise OSError(exc.errno, f"cannot write {target}: {exc.strerror}") from None
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; give the usual mode
        os.replace(tmp, target)
    except OSError as exc:  # disk full, read-only: name the target, not the temporary file
        Path(tmp).unlink(missing_ok=True)
        if exc.errno is None:
            raise OSError(f"cannot write {target}: {str(exc).replace(tmp, target.name)}") from None
        raise OSError(exc.errno, f"cannot write {target}: {exc.strerror}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def check_writable(path: str | os.PathLike) -> None:
    """Raise ``ValueError`` unless a file can be written at ``path``.

    For checks before any work: ``path`` is not a directory, and its
    directory (or the nearest existing one above it, which would be
    created) accepts a new file. Nothing is left behind.
    """
    target = Path(path)
    if target.is_dir():
        raise ValueError(f"{path} is a directory: give a file name, e.g. {target / target.name}.csv")
    parent = target.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise ValueError(f"cannot write {path}: {parent} is not a directory")
    try:
        fd, probe = tempfile.mkstemp(prefix=f"{_temp_prefix(target)}{_HOST}-{os.getpid()}.", suffix=".tmp",
                                     dir=parent)
    except OSError as exc:
        raise ValueError(f"cannot write {path}: {parent}: {exc.strerror}") from None
    os.close(fd)
    os.unlink(probe)


def write_json(path: str | os.PathLike, obj: Any) -> None:
    """Write ``obj`` as JSON, atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(obj, indent=1, allow_nan=True) + "\n")


def table_format(path: str | os.PathLike, format: str = "auto") -> str:
    """Resolve ``format`` ('auto' infers it from the extension) to csv/parquet/json."""
    fmt = Path(path).suffix.lower().lstrip(".") if format == "auto" else str(format).lower()
    if fmt not in TABLE_FORMATS:
        what = f"extension of {str(path)!r}" if format == "auto" else f"format {format!r}"
        raise ValueError(f"unsupported {what}: use one of {', '.join('.' + f for f in TABLE_FORMATS)}")
    return fmt


#: the Parquet metadata key of a table's provenance (see electoral_sim.provenance)
PROVENANCE_KEY = b"electoral_sim.provenance"


def write_table(frame, path: str | os.PathLike, format: str = "auto", provenance: dict | None = None) -> None:
    """Write a DataFrame as csv, parquet or json (records), atomically.

    ``provenance`` (a JSON-ready dict) goes into a Parquet file's metadata
    under :data:`PROVENANCE_KEY`.
    """
    fmt = table_format(path, format)
    with atomic_path(path) as tmp:
        if fmt == "csv":  # pyarrow's writer: 14x pandas' to_csv at 10^6 rows, same numbers (shortest repr)
            import csv
            import io as _io

            import pyarrow as pa
            import pyarrow.csv

            header = _io.StringIO()
            csv.writer(header, lineterminator="\n").writerow(frame.columns)  # plain names, quoted if needed
            options = pyarrow.csv.WriteOptions(include_header=False, quoting_style="needed")
            with open(tmp, "wb") as fh:
                fh.write(header.getvalue().encode())
                pyarrow.csv.write_csv(pa.Table.from_pandas(frame, preserve_index=False), fh, options)
        elif fmt == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            table = pa.Table.from_pandas(frame, preserve_index=False)
            if provenance is not None:
                meta = {**(table.schema.metadata or {}), PROVENANCE_KEY: json.dumps(provenance, sort_keys=True)}
                table = table.replace_schema_metadata(meta)
            pq.write_table(table, tmp)
        else:  # json.dumps keeps every float exact (to_json rounds to 10 digits)
            records = frame.astype(object).where(frame.notna(), None).to_dict("records")
            tmp.write_text(json.dumps(records, indent=1, allow_nan=False) + "\n")
