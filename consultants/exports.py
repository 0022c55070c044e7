"""Tables as downloadable files: CSV and XLSX, the same headers and rows in both."""

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Spreadsheet programs run a cell that starts with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe_text(value: Any) -> Any:
    """Return the value with text that a spreadsheet would run as a formula quoted.

    Checked on the NFKC form with leading spaces dropped: a spreadsheet may read a full-width
    '＝' as '=' and skip spaces before it. The cell keeps the text as it was typed.
    """
    if not isinstance(value, str):
        return value
    if unicodedata.normalize("NFKC", value).lstrip(" ").startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        # Excel has no time zones: write the local wall-clock time.
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, date | int | float) or value is None:
        return value
    return _safe_text(str(value))


def table_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Return the table as CSV text, with a header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if value is None else _cell(value) for value in row])
    return buffer.getvalue()


def table_xlsx(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """Return a workbook with one sheet per (title, headers, rows), headers in bold."""
    workbook = Workbook()
    if workbook.active is not None:  # always: a new workbook starts with one empty sheet
        workbook.remove(workbook.active)
    for title, headers, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])  # Excel's limit on sheet names
        sheet.append(list(headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        widths = [len(header) for header in headers]
        for row in rows:
            values = [_cell(value) for value in row]
            sheet.append(values)
            for i, value in enumerate(values):
                widths[i] = max(widths[i], min(len(str(value or "")), 60))
        for i, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = width + 2
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def download(content: str | bytes, *, filename: str, content_type: str) -> HttpResponse:
    """Return a response that the browser saves as `filename`."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
