"""The draft store: copies in and out, forgotten when unused or discarded."""

from kiosk.touchscreen.drafts import DraftStore


def test_drafts_are_copies_and_expire_when_unused():
    now = [0.0]
    store = DraftStore(ttl=60, clock=lambda: now[0])
    draft_id = store.new_id()
    draft = {"service": "individual", "id_number": "11010519491231002X"}
    store.put(draft_id, draft)
    draft["id_number"] = "changed outside"
    got = store.get(draft_id)
    assert got["id_number"] == "11010519491231002X"
    got["phone"] = "13800000000"
    assert "phone" not in store.get(draft_id)
    now[0] = 59
    store.put(draft_id, {"service": "group"})  # touching it keeps it
    now[0] = 118
    assert store.get(draft_id) == {"service": "group"}
    now[0] = 200
    assert store.get(draft_id) is None and len(store) == 0
    assert store.get(None) is None and store.get(12) is None
    store.put("a", {}), store.discard("a"), store.discard("never")
    assert len(store) == 0
