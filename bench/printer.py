"""Figures for the printing path, for the README and for regressions.

`run()` returns `{"name": {"value": v, "unit": u, "target": t}}`: the size of
a realistic 80 mm ticket (the design promises about a kilobyte, one second at
9600 baud), the median time to build and encode one, and the time to build a
500-row day register PDF. Run it with `python -m bench.printer`.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import time
from dataclasses import replace

from printer.documents import RegisterRow, day_register_pdf
from printer.escpos import TICKET_MAX_BYTES, encode
from printer.receipt import PAPER_80MM
from printer.ticket import TicketData, build_ticket, sample_ticket_data


def realistic_ticket() -> TicketData:
    """A busy hall's ticket at its widest: a long office name, the petitioner as printed in full."""
    return replace(sample_ticket_data(dt.datetime(2026, 11, 23, 1, 30, tzinfo=dt.timezone.utc)),
                   office_name="某某市某某区人大常委会信访接待室", ticket_number="A023", service_label="来访登记",
                   waiting_ahead=7, query_code="K7P2QX9M4T", qr_payload="https://xinfang.example.gov.cn/q/K7P2QX9M4T",
                   name="欧阳晓明", id_number="370102199003071234", phone="13812345678",
                   keep_slip_line="请妥善保管本凭条，凭查询码可查询办理进度")


def register_rows(count: int) -> list[RegisterRow]:
    return [
        RegisterRow(i, f"{8 + i % 9:02d}:{i % 60:02d}", f"A{i:03d}", "张*三", "3701**********1234",
                    "138****5678", "城乡建设", "反映小区物业服务问题，要求有关部门督促整改" * 2,
                    "当场答复", "李四")
        for i in range(1, count + 1)
    ]


def run(renders: int = 200) -> dict[str, dict[str, float | str]]:
    data = realistic_ticket()
    ticket_bytes = len(encode(build_ticket(data), PAPER_80MM))
    timings = []
    for _ in range(renders):
        started = time.perf_counter()
        encode(build_ticket(data), PAPER_80MM)
        timings.append((time.perf_counter() - started) * 1000)
    rows = register_rows(500)
    started = time.perf_counter()
    day_register_pdf("某某区人大常委会", dt.date(2026, 11, 23), rows)
    register_s = time.perf_counter() - started
    return {
        "ticket_bytes": {"value": ticket_bytes, "unit": "bytes", "target": TICKET_MAX_BYTES},
        "ticket_render_ms": {"value": round(statistics.median(timings), 3), "unit": "ms",
                             "target": 5},
        "register_pdf_500_s": {"value": round(register_s, 3), "unit": "s", "target": 2},
    }


def figures() -> dict[str, dict[str, float | str]]:
    """The receipts figures for `make bench`."""
    return run()


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
