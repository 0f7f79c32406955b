"""A small streaming xlsx writer (ECMA-376 SpreadsheetML) for the report's form.

Rows go as XML text straight into the zip entry's deflate stream, so memory does not grow with the rows, and
a figure costs one string format instead of a general writer's calls for each cell (XlsxWriter took 2–2.5 s
for a city's 600,000 figures; docs/PERFORMANCE.md). It knows only what the form needs: text, numbers, the
four cell styles below, merged ranges, column widths and one conditional format drawing a grid. Text is
written as inline strings, as XlsxWriter's constant-memory mode does, which Excel and LibreOffice read."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import IO
from xml.sax.saxutils import escape, quoteattr

PLAIN, TITLE, HEAD, TOTAL = 0, 1, 2, 3  # indices in CELL_FORMATS
COMPRESSION_LEVEL = 1  # half the time of zlib's default 6, for a file a quarter bigger (docs/PERFORMANCE.md)

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
HEADER = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
THIN = '<left style="thin"/><right style="thin"/><top style="thin"/><bottom style="thin"/>'


def _xf(font: int = 0, fill: int = 0, border: int = 0, alignment: str = "") -> str:
    applied = (' applyFont="1"' if font else "") + (' applyFill="1"' if fill else "") + \
        (' applyBorder="1"' if border else "") + (' applyAlignment="1"' if alignment else "")
    return (f'<xf numFmtId="0" fontId="{font}" fillId="{fill}" borderId="{border}" xfId="0"{applied}>'
            f'{f"<alignment {alignment}/>" if alignment else ""}</xf>')


CELL_FORMATS = (_xf(), _xf(font=1, alignment='horizontal="center"'),  # PLAIN, TITLE
                _xf(font=2, fill=2, border=1, alignment='horizontal="center" vertical="center" wrapText="1"'),  # HEAD
                _xf(font=2, border=1))  # TOTAL
STYLES = (f'{HEADER}<styleSheet xmlns="{MAIN}"><fonts count="3"><font><sz val="11"/><name val="Calibri"/></font>'
          '<font><b/><sz val="14"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
          '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
          '<fill><patternFill patternType="solid"><fgColor rgb="FFF0F3F6"/></patternFill></fill></fills>'
          f'<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border>{THIN}<diagonal/></border>'
          '</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
          f'<cellXfs count="{len(CELL_FORMATS)}">{"".join(CELL_FORMATS)}</cellXfs>'
          '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
          f'<dxfs count="1"><dxf><border>{THIN}</border></dxf></dxfs></styleSheet>')
FORBIDDEN_IN_NAME = re.compile(r"[\[\]:*?/\\]")  # Excel refuses a sheet name with these, or over 31 long
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML 1.0 cannot carry


def column_letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _stored_width(characters: float) -> float:
    """ECMA-376's column width: characters of Calibri 11's 7-pixel digits plus 5 pixels of padding, in 256ths."""
    return int((characters * 7 + 5) / 7 * 256) / 256


def _text(value: str) -> str:
    return escape(NOT_XML.sub("", value))


class Sheet:
    """One worksheet, written row after row from the top."""

    def __init__(self, stream: IO[bytes], widths: Sequence[tuple[int, int, float]]):
        self._stream = stream
        self._letters: list[str] = []
        self._rows = 0
        self._merges: list[str] = []
        self._grid = ""
        cols = "".join(f'<col min="{first + 1}" max="{last + 1}" width="{_stored_width(width)}" customWidth="1"/>'
                       for first, last, width in widths)
        self._write(f'{HEADER}<worksheet xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">'
                    f'{f"<cols>{cols}</cols>" if cols else ""}<sheetData>')

    def _write(self, xml: str) -> None:
        self._stream.write(xml.encode("utf-8"))

    def row(self, values: Sequence[str | float | int | None], style: int = PLAIN) -> int:
        """Cells from column A; None and "" are empty cells, written only to carry a style. Returns the row's
        index (from 0)."""
        if len(values) > len(self._letters):
            self._letters = [column_letters(i) for i in range(len(values))]
        self._rows += 1
        number = str(self._rows)  # formatted once for the row's cells
        styled = f' s="{style}"' if style else ""
        cells = "".join([
            f'<c r="{letters}{number}"{styled}/>' if value is None or value == "" else
            f'<c r="{letters}{number}"{styled} t="inlineStr"><is><t xml:space="preserve">{_text(value)}</t></is></c>'
            if type(value) is str else f'<c r="{letters}{number}"{styled}><v>{value:.16G}</v></c>'
            for letters, value in zip(self._letters, values) if styled or (value is not None and value != "")])
        if "<v>NAN</v>" in cells or "INF</v>" in cells:  # text is in <t>, so only a number can match
            raise ValueError(f"row {number}: a spreadsheet cell cannot hold NaN or infinity")
        self._write(f'<row r="{number}">{cells}</row>')
        return self._rows - 1

    def merge(self, row: int, first_column: int, last_column: int) -> None:
        self._merges.append(f"{column_letters(first_column)}{row + 1}:{column_letters(last_column)}{row + 1}")

    def grid(self, first_row: int, last_row: int, last_column: int) -> None:
        """Thin borders round every cell of the range, drawn by one conditional format instead of a format
        on each cell."""
        self._grid = (f'<conditionalFormatting sqref="A{first_row + 1}:{column_letters(last_column)}{last_row + 1}">'
                      '<cfRule type="expression" dxfId="0" priority="1"><formula>TRUE</formula></cfRule>'
                      '</conditionalFormatting>')

    def close(self) -> None:
        merges = "".join(f'<mergeCell ref="{cells}"/>' for cells in self._merges)
        self._write("</sheetData>" + (f'<mergeCells count="{len(self._merges)}">{merges}</mergeCells>' if merges else "")
                    + self._grid + "</worksheet>")
        self._stream.close()


class Workbook:
    """Sheets are written into the zip one after the other; close() adds the parts that list them."""

    def __init__(self, output: IO[bytes]):
        self._zip = zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESSION_LEVEL)
        self._names: list[str] = []

    @contextmanager
    def sheet(self, name: str, widths: Sequence[tuple[int, int, float]] = ()) -> Iterator[Sheet]:
        """widths: (first column, last column, width in characters), columns counted from 0."""
        self._names.append(FORBIDDEN_IN_NAME.sub("_", name)[:31])
        sheet = Sheet(self._zip.open(f"xl/worksheets/sheet{len(self._names)}.xml", "w"), widths)
        yield sheet
        sheet.close()

    def close(self) -> None:
        sheets = range(1, len(self._names) + 1)
        overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
                            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for n in sheets)
        self._zip.writestr("[Content_Types].xml", (
            f'{HEADER}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            f'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>{overrides}</Types>'))
        self._zip.writestr("_rels/.rels", (
            f'{HEADER}<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" Target="xl/workbook.xml" '
            f'Type="{RELATIONSHIPS}/officeDocument"/></Relationships>'))
        listed = "".join(f'<sheet name={quoteattr(name)} sheetId="{n}" r:id="rId{n}"/>'
                         for n, name in zip(sheets, self._names))
        self._zip.writestr("xl/workbook.xml", (
            f'{HEADER}<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><sheets>{listed}</sheets></workbook>'))
        related = "".join(f'<Relationship Id="rId{n}" Target="worksheets/sheet{n}.xml" Type="{RELATIONSHIPS}/worksheet"/>'
                          for n in sheets)
        self._zip.writestr("xl/_rels/workbook.xml.rels", (
            f'{HEADER}<Relationships xmlns="{PACKAGE}">{related}<Relationship Id="rId{len(self._names) + 1}" '
            f'Target="styles.xml" Type="{RELATIONSHIPS}/styles"/></Relationships>'))
        self._zip.writestr("xl/styles.xml", STYLES)
        self._zip.close()
