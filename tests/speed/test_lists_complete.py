"""On a year of history, each list of cases holds exactly the cases the domain rules say.

The expected sets are computed in Python with petition.lifecycle.stage over
every case's facts (not the stored status), and the lists are read over HTTP,
page after page through their cursor.
"""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from kiosk.extensions import db
from kiosk.models import Case
from petition import lifecycle, limits
from petition.clock import local_date, utcnow
from tests.support.staff import sign_in

CASE_LINK = re.compile(r'href="/staff/cases/([0-9a-f-]{36})"')
OLDER = re.compile(r'rel="next" href="([^"]+)"')


def expected(app) -> dict[str, set[str]]:
    today = local_date(utcnow())
    soon = today + timedelta(days=limits.DUE_SOON_DAYS)
    found = {"open": set(), "due_soon": set(), "overdue": set(), "all": set()}
    with app.app_context():
        for case in db.session.scalars(select(Case)):
            found["all"].add(case.id)
            stage = lifecycle.stage(case)
            if stage.status not in lifecycle.OPEN:
                continue
            found["open"].add(case.id)
            if stage.due_on is not None and stage.due_on < today:
                found["overdue"].add(case.id)
            elif stage.due_on is not None and stage.due_on <= soon:
                found["due_soon"].add(case.id)
    return found


def listed(client, url: str) -> tuple[list[str], int]:
    """Every case id the list shows, following its "older" link to the end; and the pages."""
    ids, pages = [], 0
    while url:
        page = client.get(url)
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        ids += CASE_LINK.findall(text)
        pages += 1
        more = OLDER.search(text)
        url = html.unescape(more.group(1)) if more else None
    return ids, pages


def test_every_list_holds_exactly_the_cases_the_rules_say(app_1y):
    client = app_1y.test_client()
    assert sign_in(client, "rita").status_code == 302
    truth = expected(app_1y)
    assert truth["overdue"] and truth["due_soon"] and len(truth["open"]) < len(truth["all"]) / 2
    for show in ("overdue", "due_soon", "open"):
        ids, pages = listed(client, f"/staff/cases?show={show}")
        assert len(ids) == len(set(ids)), f"{show}: a case shown twice across pages"
        assert set(ids) == truth[show], show
        first = client.get(f"/staff/cases?show={show}").get_data(as_text=True)
        assert f"{len(truth[show])} cases" in first or f"共{len(truth[show])}件" in first
    assert pages > 1  # the open list runs over several pages


def test_a_page_stays_put_while_new_cases_arrive(app_1y):
    from tests.support.staff import take_tickets

    client = app_1y.test_client()
    assert sign_in(client, "rita").status_code == 302
    first = client.get("/staff/cases?show=all").get_data(as_text=True)
    second_url = html.unescape(OLDER.search(first).group(1))
    before = CASE_LINK.findall(client.get(second_url).get_data(as_text=True))
    take_tickets(app_1y, 3)
    assert CASE_LINK.findall(client.get(second_url).get_data(as_text=True)) == before


@pytest.mark.parametrize("query", [
    "after=garbage", "after=", "before=%00%ff", "after=" + "A" * 500, "show=nope&after=MjAyNi0wMS0wMXx4",
    "from=2026-13-45&to=yesterday", "category=%3Cscript%3E&body=" + "x" * 300])
def test_a_strange_url_shows_a_list_never_an_error(app_1d, query):
    client = app_1d.test_client()
    assert sign_in(client, "rita").status_code == 302
    # Bytes that are no text at all are refused before the view (400); anything else is page 1.
    assert client.get(f"/staff/cases?{query}").status_code == (400 if "%ff" in query else 200)


def test_filters_narrow_the_list(app_1y):
    client = app_1y.test_client()
    assert sign_in(client, "rita").status_code == 302
    today = local_date(utcnow())
    start = (today - timedelta(days=30)).isoformat()
    with app_1y.app_context():
        cases = db.session.scalars(select(Case)).all()
        category = cases[0].category
        wanted = {case.id for case in cases
                  if case.category == category and case.registered_on >= today - timedelta(days=30)}
    ids, _pages = listed(client, f"/staff/cases?show=all&category={category}&from={start}")
    assert set(ids) == wanted and wanted
