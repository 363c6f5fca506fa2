"""Print jobs: every print is a row first, so no printer fault loses anything.

A job goes pending → printing → printed, or failed with the printer's reason.
A job marked printed is never printed again; a job left pending or printing
by a crash is printed when the worker starts. The registration itself was
committed before the job was ever tried, so a failed print only changes what
the visitor is told (collect the slip at the window) and what staff can do
(reprint).
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from petition import querycode
from petition.clock import local_date, utcnow
from petition.privacy import mask_id_number, mask_name, mask_phone
from petition.vocabulary import SERVICES
from printer.receipt import PAPER_58MM, PAPER_80MM, Paper, Receipt
from printer.ticket import TicketData, build_ticket, sample_ticket_data
from printer.transport import PrinterError, PrinterPort, PrinterStatus, open_printer, print_receipt

from ..extensions import db
from ..models import PrintJob, Visit
from ..visits.operations import waiting_ahead
from ..visits.writer import exclusive
from .states import UNFINISHED, JobStatus

log = logging.getLogger(__name__)


def paper() -> Paper:
    return PAPER_58MM if int(current_app.config["KIOSK_PRINTER_PAPER_MM"]) == 58 else PAPER_80MM


def qr_payload(query_code: str) -> str:
    prefix = current_app.config["KIOSK_PRINTER_QR_URL"]
    return f"{prefix}{query_code}" if prefix else query_code


def ticket_labels() -> dict[str, str]:
    """The ticket's captions in the current locale."""
    return {
        "your_number": _("Your number"),
        "issued_at": _("Time taken"),
        "name": _("Name"),
        "id_number": _("ID number"),
        "phone": _("Phone"),
        "query_code": _("Query code"),
        "query_hint": _("Check progress with this code at the kiosk or online"),
    }


def ticket_receipt(visit: Visit) -> Receipt:
    """The ticket of a visit, captions in the language the visitor used."""
    with force_locale(visit.locale or current_app.config["KIOSK_DEFAULT_LOCALE"]):
        ahead = waiting_ahead(visit)
        labels = ticket_labels()
        # build_ticket formats this caption with .format(count=...); ours is already whole.
        labels["waiting_ahead"] = _("People waiting ahead: %(num)d", num=ahead)
        person = visit.person
        data = TicketData(
            office_name=current_app.config["KIOSK_OFFICE_NAME"],
            ticket_number=visit.ticket_number,
            service_label=str(SERVICES[visit.service].label),
            issued_at=visit.created_at,
            waiting_ahead=ahead,
            query_code=querycode.display(visit.query_code),
            qr_payload=qr_payload(visit.query_code),
            # The slip may be dropped in the hall: masked (保密).
            name=mask_name(person.name) if person else "",
            id_number=mask_id_number(person.id_number) if person else "",
            phone=mask_phone(person.phone) if person else "",
            keep_slip_line=_("Please keep this slip."),
            labels=labels,
        )
    return build_ticket(data)


def sample_receipt(now: datetime | None = None) -> Receipt:
    """The self-test ticket: laid out exactly as a real one, with sample values."""
    sample = sample_ticket_data(now or utcnow())
    data = TicketData(**{**sample.__dict__, "office_name": current_app.config["KIOSK_OFFICE_NAME"],
                         "qr_payload": qr_payload(querycode.normalize(sample.query_code)), "labels": ticket_labels(),
                         "keep_slip_line": _("Printer test: not a real ticket")})
    return build_ticket(data)


@contextmanager
def open_configured_printer(job_id: str | None = None):
    """The printer named by KIOSK_PRINTER_URL, opened with the configured serial options."""
    config = current_app.config
    port: PrinterPort = open_printer(
        config["KIOSK_PRINTER_URL"],
        baudrate=int(config["KIOSK_PRINTER_BAUDRATE"]),
        parity=config["KIOSK_PRINTER_PARITY"],
        rtscts=bool(config["KIOSK_PRINTER_RTSCTS"]),
        xonxoff=bool(config["KIOSK_PRINTER_XONXOFF"]),
        write_timeout=float(config["KIOSK_PRINTER_WRITE_TIMEOUT"]),
        preview_dir=Path(current_app.instance_path) / "prints",
        job_id=job_id,
    )
    with port:
        yield port


def printer_status() -> PrinterStatus:
    with open_configured_printer() as port:
        return port.status()


def print_sample() -> PrinterStatus:
    """Print the self-test ticket; raises PrinterError with the reason."""
    with open_configured_printer("printer-test") as port:
        return print_receipt(port, sample_receipt(), paper=paper(), job_id="printer-test",
                             job_timeout=float(current_app.config["KIOSK_PRINTER_JOB_TIMEOUT"]))


def unfinished_job_ids() -> list[str]:
    """Jobs a restart must pick up: never tried, or cut off while printing."""
    return list(db.session.scalars(
        select(PrintJob.id).where(PrintJob.status.in_(UNFINISHED))
        .order_by(PrintJob.created_at)))


def run_job(job_id: str) -> PrintJob | None:
    """Print one job and record the outcome.

    Only unfinished jobs run: a printed job is never printed again, and a
    failed one is printed again only as a new job (reprint), by a person.
    """
    job = db.session.get(PrintJob, job_id)
    if job is None or job.status not in UNFINISHED or job.visit is None:
        return job
    job.status, job.attempts, job.error = JobStatus.PRINTING, job.attempts + 1, None
    _commit()
    try:
        receipt = ticket_receipt(job.visit)
        with open_configured_printer(job.id) as port:
            print_receipt(port, receipt, paper=paper(), job_id=job.id,
                          job_timeout=float(current_app.config["KIOSK_PRINTER_JOB_TIMEOUT"]))
    except PrinterError as error:
        log.warning("print job %s failed: %s", job.id, error)
        job.status, job.error = JobStatus.FAILED, str(error)
    else:
        job.status, job.printed_at = JobStatus.PRINTED, utcnow()
    _commit()
    return job


def _commit() -> None:
    """Commit a job's status under the process's write lock, which taps wait on (writer.py)."""
    with exclusive(current_app._get_current_object()):
        db.session.commit()


def reprint(visit: Visit) -> PrintJob:
    """A new ticket job for a visit (the staff side's 补打)."""
    job = PrintJob(visit=visit, kind="ticket")
    db.session.add(job)
    db.session.commit()
    return job


def todays_jobs(*, kiosk_id: str, now: datetime) -> list[PrintJob]:
    """The print jobs of today's tickets with their visits, newest first: one query."""
    return list(db.session.scalars(
        select(PrintJob).join(PrintJob.visit).options(contains_eager(PrintJob.visit))
        .where(Visit.service_day == local_date(now), Visit.kiosk_id == kiosk_id)
        .order_by(PrintJob.created_at.desc())))


def unprinted_tickets(*, kiosk_id: str, now: datetime) -> list[Visit]:
    """Today's visits whose latest ticket job failed: slips waiting to be reprinted."""
    latest: dict[str, PrintJob] = {}
    for job in todays_jobs(kiosk_id=kiosk_id, now=now):
        latest.setdefault(job.visit_id, job)
    return [job.visit for job in latest.values() if job.status == JobStatus.FAILED]


def jobs_marks(*, since: datetime) -> tuple:
    """What changes when a print job since `since` is queued or finishes (ix_print_job_created_at)."""
    return tuple(db.session.execute(
        select(func.count(), func.max(PrintJob.updated_at)).where(PrintJob.created_at >= since)).one())


def latest_ticket_job(visit: Visit) -> PrintJob | None:
    return db.session.scalars(
        select(PrintJob).where(PrintJob.visit_id == visit.id, PrintJob.kind == "ticket")
        .order_by(PrintJob.created_at.desc())).first()
