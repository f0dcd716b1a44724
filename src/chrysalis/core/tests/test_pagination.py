from datetime import UTC, datetime

import pytest

from chrysalis.core.errors import Invalid
from chrysalis.core.pagination import clamp_size, decode_cursor, encode_cursor


def test_cursor_round_trip():
    stamp = datetime(2026, 5, 1, 12, 30, 15, 123456, tzinfo=UTC)
    assert decode_cursor(encode_cursor(stamp, 42)) == (stamp, 42)


@pytest.mark.parametrize("bad", ["", "%%%", "bm90IGEgY3Vyc29y", "MjAyNi0xMy0wMXwx"])
def test_bad_cursor_is_a_clear_error(bad):
    with pytest.raises(Invalid, match="cursor is not valid"):
        decode_cursor(bad)


@pytest.mark.parametrize("size", [0, -1, 101])
def test_page_size_bounds(size):
    with pytest.raises(Invalid, match="between 1 and 100"):
        clamp_size(size)
