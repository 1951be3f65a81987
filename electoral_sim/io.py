"""Atomic file output: nothing half-written is ever taken for a result."""
from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
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


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` on success.

    On any error the temporary file is removed and ``path`` is left untouched.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; give the usual mode
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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


def write_table(frame, path: str | os.PathLike, format: str = "auto") -> None:
    """Write a DataFrame as csv, parquet or json (records), atomically."""
    fmt = table_format(path, format)
    with atomic_path(path) as tmp:
        if fmt == "csv":
            frame.to_csv(tmp, index=False)
        elif fmt == "parquet":
            frame.to_parquet(tmp, index=False)
        else:  # json.dumps keeps every float exact (to_json rounds to 10 digits)
            records = frame.astype(object).where(frame.notna(), None).to_dict("records")
            tmp.write_text(json.dumps(records, indent=1, allow_nan=False) + "\n")
