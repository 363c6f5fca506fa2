"""The console's print buttons serve the formal PDFs, masked."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from kiosk.extensions import db
from kiosk.models import Visit
from tests.support.apps import unavailable
from tests.support.staff import take_tickets
from tests.support.touchscreen import csrf_token


def pdf_text(content: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        unavailable("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "doc.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture
def visit_id(app):
    [visit_id] = take_tickets(app, 1, name="欧阳小明")
    with app.app_context():
        db.session.get(Visit, visit_id).case.matter = "小区噪音扰民"
        db.session.commit()
    return visit_id


def test_the_registration_receipt_is_a_masked_pdf(receptionist, visit_id, tmp_path):
    response = receptionist.get(f"/staff/visits/{visit_id}/receipt.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data, tmp_path)
    assert "来访登记回执" in text and "欧**明" in text and "欧阳小明" not in text
    assert "小区噪音扰民" in text


def test_the_notice_follows_the_decision(app, receptionist, visit_id, tmp_path):
    with app.app_context():
        case_id = db.session.get(Visit, visit_id).case_id
    response = receptionist.get(f"/staff/cases/{case_id}/notice.pdf")
    assert response.status_code == 302  # undecided: no notice yet, said on the case page
    assert "只有已受理或不予受理" in receptionist.get(response.headers["Location"]).get_data(as_text=True)
    page = receptionist.get(f"/staff/cases/{case_id}").get_data(as_text=True)
    receptionist.post(f"/staff/cases/{case_id}/accept", data={"csrf_token": csrf_token(page)})
    response = receptionist.get(f"/staff/cases/{case_id}/notice.pdf")
    assert response.mimetype == "application/pdf"
    assert "受理告知书" in pdf_text(response.data, tmp_path)


def test_the_register_and_the_monthly_report_are_for_supervisors(receptionist, supervisor, visit_id, tmp_path):
    assert receptionist.get("/staff/register.pdf").status_code == 403
    assert receptionist.get("/staff/figures/monthly.pdf").status_code == 403
    register = supervisor.get("/staff/register.pdf")
    assert register.mimetype == "application/pdf" and "欧**明" in pdf_text(register.data, tmp_path)
    monthly = supervisor.get("/staff/figures/monthly.pdf")
    assert monthly.mimetype == "application/pdf" and "统计" in pdf_text(monthly.data, tmp_path)
    assert supervisor.get("/staff/register.pdf?day=not-a-day").status_code == 404


def test_a_notice_for_a_case_whose_registration_was_never_saved_is_refused_clearly(
        app, receptionist, tmp_path):
    [visit_id] = take_tickets(app, 1, name="欧阳小明")  # the matter was never written down
    with app.app_context():
        case_id = db.session.get(Visit, visit_id).case_id
    page = receptionist.get(f"/staff/cases/{case_id}").get_data(as_text=True)
    receptionist.post(f"/staff/cases/{case_id}/accept", data={"csrf_token": csrf_token(page)})
    response = receptionist.get(f"/staff/cases/{case_id}/notice.pdf")
    assert response.status_code == 302 and response.mimetype != "application/pdf"
    shown = receptionist.get(response.headers["Location"]).get_data(as_text=True)
    assert "出具告知书需要已保存的接谈登记" in shown


def test_the_query_code_has_one_display_form_on_the_pdf_and_the_visit_page(
        app, receptionist, visit_id, tmp_path):
    with app.app_context():
        code = db.session.get(Visit, visit_id).query_code
    shown = f"{code[:5]}-{code[5:]}"
    text = pdf_text(receptionist.get(f"/staff/visits/{visit_id}/receipt.pdf").data, tmp_path)
    assert shown in text and code not in text.replace(shown, "")
    page = receptionist.get(f"/staff/visits/{visit_id}").get_data(as_text=True)
    assert shown in page and code not in page.replace(shown, "")
