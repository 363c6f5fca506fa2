from datetime import date

import pytest

from petition.identity import InvalidEntry, clean_id_number, clean_phone
from tests.support.touchscreen import valid_id_number


def reason(callable_, value, **kwargs):
    with pytest.raises(InvalidEntry) as caught:
        callable_(value, **kwargs)
    return str(caught.value)


def test_a_valid_id_number_is_accepted_with_lower_case_x_and_spaces():
    number = "11010519491231002X"
    assert clean_id_number(number) == number
    assert clean_id_number(" 110105 19491231 002x ") == number


def test_each_way_an_id_number_can_be_wrong_has_its_own_reason():
    good = valid_id_number()
    reasons = {
        "length": reason(clean_id_number, good[:-1]),
        "format": reason(clean_id_number, good[:5] + "A" + good[6:]),
        "date": reason(clean_id_number, valid_id_number("37010219990231")),
        "future": reason(clean_id_number, valid_id_number("37010220990101"), today=date(2026, 1, 1)),
        "check": reason(clean_id_number, good[:-1] + ("0" if good[-1] != "0" else "1")),
    }
    assert "17" in reasons["length"] and "18" in reasons["length"]
    assert reasons["date"] == reasons["future"]
    assert len({reasons[k] for k in ("length", "format", "date", "check")}) == 4


def test_mobile_and_landline_numbers():
    assert clean_phone("138 1234 5678") == "13812345678"
    assert clean_phone("010-12345678") == "01012345678"
    assert clean_phone("0531-8765432") == "05318765432"
    for bad in ("12812345678", "1381234567", "12345678", "0531-123", "abc"):
        reason(clean_phone, bad)
