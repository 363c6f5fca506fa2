"""Human-readable renderings of a `Receipt`: plain text and HTML.

The plain text goes next to each preview job's bytes and into logs; it is
wrapped exactly like the printer wraps, so a preview shows the same line
breaks. The HTML is for the staff console: semantic markup with CSS classes
(`receipt`, `receipt-line size-3x3 bold center`), every string escaped,
and the QR code drawn as an inline SVG by our own encoder, so the page
requests nothing from outside the kiosk.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from printer.qr import qr_svg
from printer.receipt import (
    QR,
    Cut,
    Divider,
    Feed,
    Paper,
    Receipt,
    Text,
    char_width,
    clean_text,
    columns_for,
    text_width,
    wrap,
)

CUT_MARK = "✂"


def _place(line: str, align: str, columns: int) -> str:
    free = max(columns - text_width(line), 0)
    if align == "center":
        return " " * (free // 2) + line
    if align == "right":
        return " " * free + line
    return line


def to_text(receipt: Receipt, paper: Paper) -> str:
    """Plain text of the receipt, one printed line per text line.

    Enlarged text is shown at normal size but wrapped and aligned on the
    narrower grid it really occupies.
    """
    out: list[str] = []
    for element in receipt.elements:
        if isinstance(element, Text):
            columns = columns_for(element, paper)
            out += [_place(line, element.align, columns).rstrip()
                    for line in wrap(element.text, columns)]
        elif isinstance(element, Divider):
            out.append(element.char * (paper.columns // char_width(element.char)))
        elif isinstance(element, QR):
            out.append(_place(f"[QR] {clean_text(element.payload)}", "center", paper.columns))
        elif isinstance(element, Feed):
            out += [""] * element.lines
        elif isinstance(element, Cut):
            out.append(CUT_MARK + " " + "-" * (paper.columns - 2))
    return "\n".join(out) + "\n"


def to_html(receipt: Receipt) -> Markup:
    """Semantic, escaped HTML of the receipt for the staff console preview."""
    parts: list[Markup] = [Markup('<div class="receipt">')]
    for element in receipt.elements:
        if isinstance(element, Text):
            w, h = element.size
            classes = f"receipt-line size-{w}x{h}" + (" bold" if element.bold else "")
            classes += f" {element.align}"
            lines = clean_text(element.text).split("\n")
            body = Markup("<br>").join(escape(line) for line in lines)
            parts.append(Markup('<p class="{}">{}</p>').format(classes, body))
        elif isinstance(element, Divider):
            parts.append(Markup('<hr class="receipt-divider">'))
        elif isinstance(element, QR):
            try:
                svg = qr_svg(element.payload, element.error_correction)
            except ValueError:
                # Beyond the preview encoder's versions: the printer still draws
                # it; the preview shows the payload alone.
                svg = Markup("")
            parts.append(Markup(
                '<figure class="receipt-qr">{}<figcaption class="receipt-qr-payload">{}'
                "</figcaption></figure>"
            ).format(svg, clean_text(element.payload)))
        elif isinstance(element, Feed):
            parts.append(Markup('<div class="receipt-feed lines-{}"></div>').format(element.lines))
        elif isinstance(element, Cut):
            parts.append(Markup('<div class="receipt-cut" role="separator"></div>'))
    parts.append(Markup("</div>"))
    return Markup("\n").join(parts)
