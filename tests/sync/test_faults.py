"""Faults between agent and central office, through a fault-injecting proxy on 127.0.0.1.

Every scenario ends with the same records on both sides: the same count and
the same content hash per table, nothing lost and nothing doubled.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
from datetime import datetime

import pytest

from central import cases
from kiosk.cases import states
from kiosk.extensions import db
from kiosk.models import Case
from kiosk.sync_agent import agent
from petition.clock import utcnow
from tests.support.central import accept_cases, assert_same_records, make_visits, register_kiosk

KIOSK = "kiosk-test"


@pytest.fixture
def app_config():
    return {"KIOSK_SYNC_BATCH_RECORDS": 5}  # several batches from a small day


def client(proxy, key, kiosk=KIOSK):
    return agent.Client(proxy.url, kiosk, key, timeout=10)


def no_wait(_seconds):
    pass


def test_connection_refused_then_the_network_returns(app, central_app, proxy, kiosk_key):
    make_visits(app, 8)
    proxy.down()
    with pytest.raises(agent.SyncError) as failure:
        agent.run(app, client=client(proxy, kiosk_key), attempts=3, sleep=no_wait)
    assert failure.value.code == "network"
    assert "cannot reach the central office" in agent.status(app)["last_error"]
    proxy.up()
    agent.run_once(app, client(proxy, kiosk_key))
    assert agent.status(app)["backlog"] == 0
    assert_same_records(app, central_app, KIOSK)


def test_the_connection_cut_mid_request(app, central_app, proxy, kiosk_key):
    make_visits(app, 8)
    proxy.plan("pass", "cut_request")
    agent.run(app, client=client(proxy, kiosk_key), attempts=3, sleep=no_wait)
    assert ("cut_request", "POST /sync/v1/push HTTP/1.1") in proxy.log
    assert_same_records(app, central_app, KIOSK)


def test_the_office_commits_and_the_answer_is_lost(app, central_app, proxy, kiosk_key):
    make_visits(app, 8)
    proxy.plan("pass", "drop_reply")
    with pytest.raises(agent.SyncError):
        agent.run_once(app, client(proxy, kiosk_key))
    resumed = agent.run_once(app, client(proxy, kiosk_key))
    # The batch whose answer was lost is sent again and changes nothing.
    assert resumed.pushed["person"] == 3 and resumed.applied["person"] == 0
    assert_same_records(app, central_app, KIOSK)


def test_a_lost_answer_to_a_pull_applies_the_changes_once(app, central_app, proxy, kiosk_key):
    make_visits(app, 2, group_every=0)
    case_id = accept_cases(app)[0]
    agent.run_once(app, client(proxy, kiosk_key))
    with central_app.app_context():
        cases.step(case_id, "reply", by="li", text="交区信访局督办", now=datetime(2026, 11, 24))
    proxy.plan("drop_reply")  # nothing to push: the first request is the pull
    with pytest.raises(agent.SyncError):
        agent.run_once(app, client(proxy, kiosk_key))
    assert agent.run_once(app, client(proxy, kiosk_key)).pulled == 1
    with app.app_context():
        case = db.session.get(Case, case_id)
        assert (case.status, case.office_version) == ("replied", 1)
    assert agent.run_once(app, client(proxy, kiosk_key)).pulled == 0


def test_a_batch_delivered_twice(app, central_app, proxy, kiosk_key):
    make_visits(app, 8)
    proxy.plan("duplicate", "pass", "duplicate")
    agent.run_once(app, client(proxy, kiosk_key))
    assert [fault for fault, _ in proxy.log].count("duplicate") == 2
    assert_same_records(app, central_app, KIOSK)


def test_the_central_app_restarted_mid_sync(app, central_app, central_server, proxy, kiosk_key):
    make_visits(app, 8)
    proxy.plan("pass", "hold_before")
    outcome = {}

    def restart(_seconds):
        central_server.start()

    def sync():
        outcome["result"] = agent.run(app, client=client(proxy, kiosk_key), attempts=4,
                                      sleep=restart)

    thread = threading.Thread(target=sync)
    thread.start()
    assert proxy.held.wait(30)
    central_server.stop()  # the second batch reaches a central app that is gone
    proxy.release.set()
    thread.join(60)
    assert "result" in outcome
    assert_same_records(app, central_app, KIOSK)


def test_two_kiosks_at_once(app, second_kiosk, central_app, proxy, kiosk_key):
    second_key = register_kiosk(central_app, "kiosk-two")
    make_visits(app, 15)
    make_visits(second_kiosk, 15)
    errors = []

    def sync(kiosk_app, key, kiosk_id):
        try:
            agent.run(kiosk_app, client=client(proxy, key, kiosk_id), attempts=3, sleep=no_wait)
        except agent.SyncError as error:  # reported below, with the kiosk named
            errors.append((kiosk_id, error.message))

    threads = [threading.Thread(target=sync, args=(app, kiosk_key, KIOSK)),
               threading.Thread(target=sync, args=(second_kiosk, second_key, "kiosk-two"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert assert_same_records(app, central_app, KIOSK)["visit"] == 15
    assert assert_same_records(second_kiosk, central_app, "kiosk-two")["visit"] == 15


@pytest.mark.slow
def test_the_agent_sigkilled_mid_batch(app, central_app, proxy, kiosk_key, tmp_path):
    make_visits(app, 8)
    proxy.plan("pass", "hold_after")  # the second batch commits centrally, then the agent dies
    env = dict(os.environ, KIOSK_INSTANCE_PATH=app.instance_path, KIOSK_ID=KIOSK,
               KIOSK_SYNC_URL=proxy.url, KIOSK_SYNC_KEY=kiosk_key, KIOSK_SYNC_BATCH_RECORDS="5")
    child = subprocess.Popen([sys.executable, "-m", "flask", "--app", "kiosk", "sync"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        assert proxy.held.wait(60), child.communicate(timeout=5)
        child.send_signal(signal.SIGKILL)
        child.wait(30)
    finally:
        if child.poll() is None:
            child.kill()
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    with app.app_context():
        assert agent.backlog()["person"] == 3  # 8 people, the first 5 acknowledged
    resumed = agent.run_once(app, client(proxy, kiosk_key))
    assert resumed.pushed["person"] == 3 and resumed.applied["person"] == 0
    assert_same_records(app, central_app, KIOSK)


def test_two_kiosks_sync_a_day_of_demo_data_both_ways_through_faults(
        app, second_kiosk, central_app, proxy, kiosk_key):
    """The README's two kiosks and central app, with every kind of fault on the way."""
    second_key = register_kiosk(central_app, "kiosk-two")
    for kiosk_app in (app, second_kiosk):
        with kiosk_app.app_context():  # `flask` pushes one; the test runner does not
            result = kiosk_app.test_cli_runner().invoke(
                args=["demo-data", "--visits", "40", "--seed", "7"])
        assert result.exit_code == 0, result.output
    rng = random.Random(11)
    proxy.plan(*rng.choices(["pass", "cut_request", "drop_reply", "duplicate", "refuse"],
                            weights=[5, 1, 1, 1, 1], k=60))
    pairs = ((app, kiosk_key, KIOSK), (second_kiosk, second_key, "kiosk-two"))
    for kiosk_app, key, kiosk_id in pairs:
        agent.run(kiosk_app, client=client(proxy, key, kiosk_id), attempts=30, sleep=no_wait)
        assert assert_same_records(kiosk_app, central_app, kiosk_id)["visit"] == 40
    # The office handles a case of each kiosk; each reply reaches its own kiosk only.
    replies = {}
    for kiosk_app, key, kiosk_id in pairs:
        with kiosk_app.app_context():
            replies[kiosk_id] = db.session.scalars(db.select(Case).order_by(Case.id)).first()
            states.accept(replies[kiosk_id], by="rita", now=utcnow())
            db.session.commit()
            replies[kiosk_id] = replies[kiosk_id].id
        agent.run(kiosk_app, client=client(proxy, key, kiosk_id), attempts=30, sleep=no_wait)
        with central_app.app_context():
            cases.step(replies[kiosk_id], "reply", by="li", text=f"答复 {kiosk_id}",
                       now=datetime(2026, 11, 30))
    for kiosk_app, key, kiosk_id in pairs:
        agent.run(kiosk_app, client=client(proxy, key, kiosk_id), attempts=30, sleep=no_wait)
        with kiosk_app.app_context():
            answered = db.session.execute(db.select(Case.id, Case.reply_text)
                                          .where(Case.status == "replied")).all()
        assert answered == [(replies[kiosk_id], f"答复 {kiosk_id}")]
        assert_same_records(kiosk_app, central_app, kiosk_id)
    assert {fault for fault, _ in proxy.log} >= {"cut_request", "drop_reply", "duplicate", "refuse"}
