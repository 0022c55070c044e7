"""Reading a CSV or XLSX file of KPI readings into numbered rows of cells.

Only the shape of the file is judged here (readable, not too long); each row's meaning is
judged by `reports.kpi_services`. Nothing in a cell is ever evaluated: an XLSX formula arrives as
its text (the workbook is opened without cached results), so `=1+1` in the value column is "not
a number" and in the note column is kept as the characters typed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Generator, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from reports.forms import KPI_UPLOAD_MAX_ROWS

COLUMNS = 4  # action item id, date, value, note
_ZIP_MAGIC = b"PK\x03\x04"


class KpiFileError(Exception):
    """The file as a whole can't be used: unreadable, not a table, or too long."""


@dataclass(frozen=True, slots=True)
class RawRow:
    number: int  # the row's number in the file, counting the header, as a spreadsheet shows it
    item: Any
    measured_on: Any
    value: Any
    note: Any


def kpi_file_rows(content: bytes, *, name: str = "") -> list[RawRow]:
    """Return the file's data rows (blank rows and a header row left out), or raise KpiFileError."""
    is_xlsx = content.startswith(_ZIP_MAGIC) or name.lower().endswith(".xlsx")
    with closing(_xlsx_rows(content) if is_xlsx else _csv_rows(content)) as rows:
        return _data_rows(rows)


def _data_rows(rows: Iterator[tuple[int, list[Any]]]) -> list[RawRow]:
    found: list[RawRow] = []
    first = True
    for number, cells in rows:
        values = [_blank_to_none(cell) for cell in cells[:COLUMNS]]
        values += [None] * (COLUMNS - len(values))
        if all(value is None for value in values):
            continue
        if first and not _looks_like_id(values[0]):
            first = False
            continue  # column names
        first = False
        found.append(RawRow(number, *values))
        if len(found) > KPI_UPLOAD_MAX_ROWS:
            raise KpiFileError(
                _("The file has more than %(max)s rows: split it into smaller files.")
                % {"max": f"{KPI_UPLOAD_MAX_ROWS:,}"}
            )
    if not found:
        raise KpiFileError(_("The file holds no readings."))
    return found


def _blank_to_none(cell: Any) -> Any:
    if cell is None:
        return None
    if isinstance(cell, str):
        return cell.strip() or None
    return cell


def _looks_like_id(cell: Any) -> bool:
    if isinstance(cell, bool):
        return False
    if isinstance(cell, int):
        return True
    if isinstance(cell, float):
        return cell.is_integer()
    return isinstance(cell, str) and cell.isascii() and cell.isdigit()


def _decode(content: bytes) -> str:
    if b"\x00" in content:
        raise KpiFileError(_("This is not a CSV or XLSX file."))
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # What spreadsheet programs on Windows write when asked for "CSV".
        return content.decode("cp1252", errors="replace")


def _csv_rows(content: bytes) -> Generator[tuple[int, list[Any]]]:
    text = _decode(content)
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        for cells in reader:
            yield reader.line_num, list(cells)
    except csv.Error as exc:  # among others, a cell over csv's 128 KB field limit
        raise KpiFileError(
            _("The CSV file can't be read near line %(line)s: %(problem)s")
            % {"line": reader.line_num, "problem": exc}
        ) from exc


def _xlsx_rows(content: bytes) -> Generator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as exc:  # a damaged or foreign zip raises many kinds of errors
        raise KpiFileError(_("The XLSX file can't be read; save it again as XLSX or CSV.")) from exc
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise KpiFileError(_("The XLSX file has no sheet."))
        try:
            for number, cells in enumerate(
                sheet.iter_rows(max_col=COLUMNS, values_only=True), start=1
            ):
                yield number, [_xlsx_cell(cell) for cell in cells]
        except Exception as exc:  # zip, XML and type errors of a damaged sheet
            raise KpiFileError(
                _("The XLSX file can't be read; save it again as XLSX or CSV.")
            ) from exc
    finally:
        workbook.close()


def _xlsx_cell(cell: Any) -> Any:
    # A date cell arrives as a datetime at midnight; a reading is measured on a day.
    return cell.date() if isinstance(cell, datetime) else cell
