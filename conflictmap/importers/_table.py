"""Reading the CSV tables other datasets publish, with errors that name the file and column."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from conflictmap.errors import EventFileError


def read_table(path: str | Path, required: Iterable[str]) -> pd.DataFrame:
    """Read a CSV file as text columns (empty cells are ``""``) with ``required`` columns.

    Raises
    ------
    EventFileError
        when the file is missing, not UTF-8 CSV, or lacks a required column.
    """
    path = Path(path)
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError:
        raise EventFileError(path, "no such file") from None
    except UnicodeDecodeError as exc:
        raise EventFileError(path, f"not UTF-8 (byte {exc.start} is {exc.object[exc.start]:#04x})") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise EventFileError(path, f"not a readable CSV table: {str(exc).strip()}") from None
    table.columns = [str(c).strip() for c in table.columns]
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise EventFileError(path, f"missing column(s) {', '.join(missing)}")
    return table


def first_bad(path: Path, table: pd.DataFrame, bad: pd.Series, column: str, message: str, label: pd.Series) -> None:
    """Raise for the first row where ``bad`` holds: ``file: row N (label): column: message``."""
    if bad.any():
        row = int(bad.to_numpy().argmax())
        value = table[column].iloc[row]
        name = f"row {row + 1}" + (f" ({label.iloc[row]})" if label.iloc[row] else "")
        raise EventFileError(path, f"{message}, got {value!r}", name, column)


def coordinates(path: Path, table: pd.DataFrame, label: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The ``longitude`` and ``latitude`` columns as numbers; raise for the first row out of range."""
    lon, lat = (pd.to_numeric(table[c], errors="coerce") for c in ("longitude", "latitude"))
    first_bad(path, table, ~lat.between(-90, 90), "latitude", "expected a latitude in [-90, 90]", label)
    first_bad(path, table, ~lon.between(-180, 180), "longitude", "expected a longitude in [-180, 180]", label)
    return lon, lat
