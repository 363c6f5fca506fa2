"""The queue ticket (取号凭条) a visitor takes from the kiosk.

`build_ticket` turns plain `TicketData` into a `Receipt`; it knows the
layout, not the printer. Captions come in through `labels` so the Flask
side passes its translated strings; the defaults are the office's Chinese.
It prints what it is given: personal data arrives already masked (保密: the
slip may be dropped in the hall) and the query code in its display form.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from printer.receipt import QR, Cut, Divider, Feed, Receipt, Text

SHANGHAI = ZoneInfo("Asia/Shanghai")

DEFAULT_LABELS: dict[str, str] = {
    "your_number": "您的号码",
    "issued_at": "取号时间",
    "waiting_ahead": "前面等候：{count} 人",
    "name": "姓名",
    "id_number": "证件号",
    "phone": "电话",
    "query_code": "查询码",
    "query_hint": "凭查询码可在本机或网上查询办理进度",
}


@dataclass(frozen=True)
class TicketData:
    """What a ticket shows, as it is printed: `name`, `id_number` and `phone` already masked,
    `query_code` in the form people read and type (XXXXX-XXXXX)."""

    office_name: str
    ticket_number: str
    service_label: str
    issued_at: dt.datetime
    waiting_ahead: int
    query_code: str
    qr_payload: str
    name: str = ""
    id_number: str = ""
    phone: str = ""
    keep_slip_line: str = "请妥善保管本凭条"
    labels: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.issued_at.tzinfo is None:
            raise ValueError("issued_at must be an aware datetime (UTC)")
        if not self.query_code:
            raise ValueError("a ticket needs its query code")

    def label(self, key: str) -> str:
        return self.labels.get(key, DEFAULT_LABELS[key])


def build_ticket(data: TicketData) -> Receipt:
    """The ticket layout: number large, then time, queue, masked identity, query code."""
    local = data.issued_at.astimezone(SHANGHAI)
    elements: list = [
        Text(data.office_name, size=(1, 2), bold=True, align="center"),
        Divider("-"),
        Text(data.label("your_number"), align="center"),
        Text(data.ticket_number, size=(4, 4), bold=True, align="center"),
        Text(data.service_label, size=(2, 2), align="center"),
        Text(f"{data.label('issued_at')}：{local:%Y-%m-%d %H:%M}"),
        Text(data.label("waiting_ahead").format(count=data.waiting_ahead)),
    ]
    identity = [("name", data.name), ("id_number", data.id_number), ("phone", data.phone)]
    if any(value for _, value in identity):
        elements.append(Divider("-"))
        for key, value in identity:
            if value:
                elements.append(Text(f"{data.label(key)}：{value}"))
    elements += [
        Divider("-"),
        Text(f"{data.label('query_code')}：{data.query_code}", bold=True),
        QR(data.qr_payload, module_size=6, error_correction="M"),
        Text(data.label("query_hint"), align="center"),
        Text(data.keep_slip_line, bold=True, align="center"),
        Feed(2),
        Cut(),
    ]
    return Receipt(elements)


def sample_ticket_data(now: dt.datetime | None = None) -> TicketData:
    """A ticket for the printer self-test: obviously a sample, no real person."""
    return TicketData(
        office_name="人大常委会信访接待室（打印测试）",
        ticket_number="A000",
        service_label="打印机自检",
        issued_at=now or dt.datetime(2026, 1, 1, 1, 0, tzinfo=dt.timezone.utc),
        waiting_ahead=0,
        query_code="TEST0-SAMPL",
        qr_payload="https://example.invalid/q/TEST0SAMPL",
        name="测*例",
        id_number="1101**********0000",
        phone="138****0000",
        keep_slip_line="本凭条为打印机自检样张",
    )
