"""PDF documents: Chinese text extractable with pdftotext, register completeness."""

import datetime as dt
import os
import re
import shutil
import subprocess

import pytest

from bench.printer import register_rows
from printer.documents import (
    FontNotFoundError,
    MonthlyStatistics,
    Notice,
    Petitioner,
    RegistrationReceipt,
    acceptance_notice_pdf,
    day_register_pdf,
    monthly_statistics_pdf,
    not_accepted_notice_pdf,
    register_font,
    registration_receipt_pdf,
)

# Documents print what they are given: the app masks first (kiosk/printing/papers.py).
PETITIONER = Petitioner("王*明", "3701**********1234", "138****5678")
NOTICE = Notice("某某区人大常委会", "区人大信告〔2026〕12号", PETITIONER, dt.date(2026, 11, 1),
                dt.date(2026, 11, 10), "拖欠工资", "K7P2Q-X9M4T", handling_body="区人社局",
                reply_due_on=dt.date(2027, 1, 9), reason="该事项已进入诉讼程序",
                proper_channel="向区人民法院提起诉讼")

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")


def text_of(pdf: bytes, tmp_path, layout=False) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else []) + [str(path), "-"]
    return subprocess.run(args, check=True, capture_output=True, timeout=60).stdout.decode()


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_registration_receipt(tmp_path):
    pdf = registration_receipt_pdf(RegistrationReceipt(
        "某某区人大常委会信访接待室", "K7P2Q-X9M4T",
        dt.datetime(2026, 11, 23, 16, 30, tzinfo=dt.timezone.utc), PETITIONER,
        "反映拖欠工资<问题>", materials="劳动合同复印件", ticket_number="A023"))
    text = compact(text_of(pdf, tmp_path))
    for needle in ("来访登记回执", "王*明", "3701**********1234", "138****5678",
                   "反映拖欠工资<问题>", "K7P2Q-X9M4T", "2026年11月24日00:30"):
        assert needle in text


def test_acceptance_notice(tmp_path):
    text = compact(text_of(acceptance_notice_pdf(NOTICE), tmp_path))
    for needle in ("受理告知书", "予以受理", "区人社局", "2027年1月9日", "区人大信告〔2026〕12号"):
        assert needle in text


def test_not_accepted_notice(tmp_path):
    text = compact(text_of(not_accepted_notice_pdf(NOTICE), tmp_path))
    for needle in ("不予受理告知书", "该事项已进入诉讼程序", "向区人民法院提起诉讼"):
        assert needle in text


def test_not_accepted_notice_needs_reason_and_channel():
    from dataclasses import replace
    with pytest.raises(ValueError):
        not_accepted_notice_pdf(replace(NOTICE, proper_channel=""))


def test_monthly_statistics(tmp_path):
    pdf = monthly_statistics_pdf(MonthlyStatistics(
        "某某区人大常委会", 2026, 11, [("来访批次", 120), ("来访人次", 157)],
        [("按类别", [("城乡建设", 30), ("劳动社保", 21)])]))
    text = compact(text_of(pdf, tmp_path))
    for needle in ("2026年11月信访工作统计", "来访人次157", "劳动社保21", "第1页共1页"):
        assert needle in text


def test_register_of_500_rows_has_every_row_and_numbered_pages(tmp_path):
    pdf = day_register_pdf("某某区人大常委会", dt.date(2026, 11, 23), register_rows(500))
    text = text_of(pdf, tmp_path, layout=True)
    serials = {int(m) for m in re.findall(r"^\s*(\d+)\s+\d\d:\d\d\s+A\d{3}", text, re.M)}
    assert serials == set(range(1, 501))
    pages = text.split("\f")
    pages = [p for p in pages if p.strip()]
    total = len(pages)
    assert total > 1
    for number, page in enumerate(pages, start=1):
        assert f"第 {number} 页 共 {total} 页" in page
        assert "序号" in page and "身份证号" in page  # header row on every page
    assert "张*三" in text


def test_empty_register_still_builds(tmp_path):
    text = compact(text_of(day_register_pdf("某某区人大常委会", dt.date(2026, 11, 23), []),
                           tmp_path))
    assert "本日无来访登记" in text and "第1页共1页" in text


def test_cff_font_is_refused_with_the_setting_named():
    noto = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
    with pytest.raises(FontNotFoundError, match="KIOSK_PDF_FONT"):
        register_font(noto if os.path.exists(noto) else "/nonexistent.ttc")


def test_missing_font_path_names_the_setting(tmp_path):
    with pytest.raises(FontNotFoundError, match="KIOSK_PDF_FONT"):
        register_font(str(tmp_path / "nothing.ttf"))


def test_a_notice_opens_each_paragraph_with_a_two_character_indent(tmp_path):
    """首行缩进两字: the paragraphs start further right than the salutation above them."""
    path = tmp_path / "notice.pdf"
    path.write_bytes(acceptance_notice_pdf(NOTICE))
    out = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", str(path), "-"], check=True,
                         capture_output=True, timeout=60).stdout.decode()
    lefts = {word: float(x) for x, word in re.findall(r'xMin="([\d.]+)"[^>]*>([^<]+)</word>', out)}
    salutation = next(x for word, x in lefts.items() if word.startswith("王*明"))
    opening = next(x for word, x in lefts.items() if word.startswith("你于"))
    assert opening - salutation > 15  # two characters of 11 pt


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="needs poppler-utils")
def test_every_document_embeds_every_font_it_names(tmp_path):
    from dataclasses import replace
    documents = {
        "receipt": registration_receipt_pdf(RegistrationReceipt(
            "某某区人大常委会信访接待室", "K7P2Q-X9M4T",
            dt.datetime(2026, 11, 23, 16, 30, tzinfo=dt.timezone.utc), PETITIONER, "事项")),
        "acceptance": acceptance_notice_pdf(NOTICE),
        "not_accepted": not_accepted_notice_pdf(NOTICE),
        "register": day_register_pdf("某某区人大常委会", dt.date(2026, 11, 23), register_rows(40)),
        "empty_register": day_register_pdf("某某区人大常委会", dt.date(2026, 11, 23), []),
        "monthly": monthly_statistics_pdf(MonthlyStatistics("某某区", 2026, 11, [("来访", 1)], [])),
        "no_reply_due": acceptance_notice_pdf(replace(NOTICE, reply_due_on=None)),
    }
    for name, pdf in documents.items():
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(pdf)
        listing = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True,
                                 timeout=60).stdout.decode().splitlines()[2:]
        assert listing, name
        for line in listing:
            # name, type…, encoding, then the emb column
            assert " yes " in line and "Helvetica" not in line, (name, line)

