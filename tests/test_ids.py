import uuid

from kiosk.ids import uuid7


def test_uuid7_has_version_7_rfc_variant_and_sorts_by_creation():
    ids = [uuid7() for _ in range(5000)]
    assert all(value.version == 7 and value.variant == uuid.RFC_4122 for value in ids)
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
