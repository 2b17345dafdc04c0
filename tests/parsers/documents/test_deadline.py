import time

import pytest

from parsers.documents.deadline import time_limit
from reportbox.errors import DocumentError


def _spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_a_block_past_its_limit_is_stopped_with_reason_timeout():
    started = time.monotonic()
    with pytest.raises(DocumentError) as caught, time_limit(0.2, "reading x.pdf"):
        _spin(5)
    assert caught.value.reason == "timeout" and "x.pdf" in str(caught.value)
    assert time.monotonic() - started < 2


def test_a_block_within_its_limit_runs_and_leaves_no_timer():
    with time_limit(1, "quick"):
        _spin(0.01)
    _spin(1.2)  # a timer left armed would raise here


def test_inner_limits_never_outlast_the_outer_one():
    started = time.monotonic()
    with pytest.raises(DocumentError) as caught, time_limit(0.5, "the archive"):
        for _ in range(10):  # each member well within its own limit, together far past the archive's
            with time_limit(5, "a member"):
                _spin(0.2)
    assert "the archive" in str(caught.value)
    assert time.monotonic() - started < 1.5


def test_an_inner_limit_shorter_than_the_outer_one_applies():
    with time_limit(5, "outer"):
        with pytest.raises(DocumentError) as caught, time_limit(0.2, "inner"):
            _spin(3)
        assert "inner" in str(caught.value)
        _spin(0.3)  # the outer one still runs, and has time left


def test_the_outer_limit_ends_the_outer_block_even_when_an_inner_reader_catches_its_errors():
    """An archive's limit firing while a member is read must stop the archive, not just that member."""
    started, members_read = time.monotonic(), 0
    with pytest.raises(DocumentError) as caught, time_limit(0.5, "the archive"):
        for _ in range(10):
            try:
                with time_limit(5, "a member"):
                    _spin(0.2)
            except DocumentError:  # what read_document does for each member
                pass
            except Exception:  # what a library's broad handler does
                pass
            members_read += 1
    assert "the archive" in str(caught.value) and members_read < 4
    assert time.monotonic() - started < 1.5
