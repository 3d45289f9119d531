"""Printing a PDF we made (coupons, reports): straight to the printer chosen in the
settings, or, with none chosen, in the PC's PDF viewer (where any printer can be picked).

Pages are rendered with QtPdf at the printer's resolution (300 dpi at most for thermal
receipt printers' sake) and drawn on the page at their real size."""

from __future__ import annotations

import logging

from PySide6.QtCore import QMarginsF, QRectF, QSize, QSizeF, QUrl
from PySide6.QtGui import QDesktopServices, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

log = logging.getLogger(__name__)
MAX_DPI = 300


def available(name: str) -> bool:
    return bool(name) and name in QPrinterInfo.availablePrinterNames()


def print_pdf(path: str, printer_name: str = "", output_file: str | None = None) -> int:
    """Prints every page of the PDF; returns the pages printed (0: nothing, see the log).
    output_file: print into a PDF file instead of a printer (tests, "print to file")."""
    document = QPdfDocument()
    if document.load(path) != QPdfDocument.Error.None_:
        log.error("cannot read %s for printing", path)
        return 0
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    if output_file is not None:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(output_file)
    elif printer_name:
        printer.setPrinterName(printer_name)
    printer.setDocName(path.rsplit("/", 1)[-1])
    printer.setFullPage(True)
    dpi = min(printer.resolution(), MAX_DPI)
    painter = QPainter()
    pages = document.pageCount()
    for index in range(pages):
        points = document.pagePointSize(index)  # PDF points (1/72 inch)
        layout = QPageLayout(
            QPageSize(QSizeF(points.width(), points.height()), QPageSize.Unit.Point),
            QPageLayout.Orientation.Portrait,
            QMarginsF(0, 0, 0, 0),
        )
        printer.setPageLayout(layout)
        if index == 0:
            if not painter.begin(printer):
                log.error("printer %r refused the job", printer_name or "(default)")
                return 0
        elif not printer.newPage():
            break
        size = QSize(round(points.width() / 72 * dpi), round(points.height() / 72 * dpi))
        image = document.render(index, size)
        target = painter.viewport()
        painter.drawImage(QRectF(0, 0, target.width(), target.height()), image)
    painter.end()
    document.close()
    return pages


def deliver(path: str, printer_name: str) -> object:
    """To the chosen printer if it is connected, else open in the PDF viewer."""
    if available(printer_name) and print_pdf(path, printer_name):
        return True
    return QDesktopServices.openUrl(QUrl.fromLocalFile(path))
