from hypothesis import given
from hypothesis import strategies as st

from petition import querycode


def test_codes_are_ten_crockford_characters_and_differ():
    codes = {querycode.generate() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(code) == 10 and set(code) <= set(querycode.ALPHABET) for code in codes)
    assert not set("".join(codes)) & set("ILOU")


def test_display_groups_in_fives():
    assert querycode.display("ABCDE12345") == "ABCDE-12345"


def test_entry_forgives_case_spaces_dashes_and_lookalikes():
    assert querycode.normalize(" abcde-12345 ") == "ABCDE12345"
    assert querycode.normalize("oOiIl-LIo0A") == "001111100A"
    assert querycode.normalize("oOiIl-LIo0AB") is None  # 11 characters
    assert querycode.normalize("AB CD E1 23 45") == "ABCDE12345"


def test_entry_refuses_what_cannot_be_a_code():
    for entered in ("", "ABCDE1234", "ABCDE123456", "ABCDE-1234U", "<script>", "Ａ" * 10, "x" * 5000):
        assert querycode.normalize(entered) is None


@given(st.text(alphabet=querycode.ALPHABET, min_size=10, max_size=10))
def test_any_displayed_code_reads_back(code):
    assert querycode.normalize(querycode.display(code).lower()) == code


@given(st.text(max_size=100))
def test_normalize_never_raises(text):
    result = querycode.normalize(text)
    assert result is None or (len(result) == 10 and set(result) <= set(querycode.ALPHABET))
