"""Days on which the date-dependent code is checked, and a pytest plugin to run any test under one.

The portal counts in Europe/Paris (settings.TIME_ZONE) while the database and the clock speak UTC:
a decision taken at 00:30 in Paris on 1 January belongs to the new year although it is still
31 December in UTC. These instants are chosen to catch that, the months whose French name is not
plain ASCII (février, août, décembre) and the days the clocks change.

- `frozen_day`: a fixture parametrised over `INSTANTS`, the clock frozen there (tick=False) for
  the whole test (time-machine patches time globally: the live server's thread sees it too).
- As a plugin, to run existing tests under one frozen clock (the clock starts there and ticks,
  so that waits and timeouts still work)::

      bin/test -p tests.dates --frozen-at=new-year-in-paris tests/reviews/domain/test_queues.py
      bin/test -p tests.dates --frozen-at=2026-08-15T10:00:00Z tests/decisions
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

PARIS = ZoneInfo("Europe/Paris")

#: name → instant (UTC); the comment says what it is in Paris.
INSTANTS = {
    "1-february": datetime(2026, 2, 1, 9, 0, tzinfo=UTC),  # 1 février 2026, 10:00
    "15-august": datetime(2026, 8, 15, 10, 0, tzinfo=UTC),  # 15 août 2026, 12:00
    "31-december": datetime(2026, 12, 31, 12, 0, tzinfo=UTC),  # 31 décembre 2026, 13:00
    # 31 December in UTC, already 1 January 2027 in Paris.
    "new-year-in-paris": datetime(2026, 12, 31, 23, 30, tzinfo=UTC),  # 1 janvier 2027, 00:30
    # The last minutes of the year in Paris.
    "new-year-eve-in-paris": datetime(2026, 12, 31, 22, 50, tzinfo=UTC),  # 31 décembre, 23:50
    # Summer: Paris is two hours ahead, the UTC date still the day before.
    "summer-midnight-in-paris": datetime(2026, 8, 14, 22, 30, tzinfo=UTC),  # 15 août, 00:30
    # Clocks go forward at 02:00 (Paris) on 29 March 2026, back at 03:00 on 25 October 2026.
    "spring-forward": datetime(2026, 3, 29, 1, 30, tzinfo=UTC),  # 29 mars 2026, 03:30 CEST
    "fall-back": datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # 25 octobre 2026, 02:30 CEST
    # Just after midnight, a week after the clocks went forward: "N × 24 h ago" is then N + 1
    # days ago on the calendar of Paris, before the change.
    "after-spring-forward-midnight": datetime(2026, 4, 5, 22, 30, tzinfo=UTC),  # 6 avril, 00:30
    "leap-day": datetime(2028, 2, 29, 11, 0, tzinfo=UTC),  # 29 février 2028, 12:00
}

#: The months as the portal writes them in French (Django's "F" format), to check pages with.
FRENCH_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)

#: A date as pages write it ("j F Y"), e.g. "1 décembre 2026": `\w` would miss the "é" in a
#: browser's regular expressions (JavaScript's `\w` is ASCII only).
FRENCH_DATE_PATTERN = r"\d{1,2} (?:" + "|".join(FRENCH_MONTHS) + r") \d{4}"


def paris(instant: datetime) -> datetime:
    return instant.astimezone(PARIS)


def paris_today(instant: datetime) -> date:
    return paris(instant).date()


def french_date(day: date | datetime) -> str:
    """ "1 janvier 2027": the "j F Y" format, computed without Django."""
    return f"{day.day} {FRENCH_MONTHS[day.month - 1]} {day.year}"


def french_datetime(instant: datetime) -> str:
    """ "1 janvier 2027 à 00:30" for an instant, in Paris ("j F Y à H:i")."""
    local = paris(instant)
    return f"{french_date(local)} à {local:%H:%M}"


@pytest.fixture(params=list(INSTANTS), ids=list(INSTANTS))
def frozen_day(request):
    """The clock stopped at one of INSTANTS for the whole test; yields that instant (UTC)."""
    instant = INSTANTS[request.param]
    with time_machine.travel(instant, tick=False):
        yield instant


def frozen_at(*names: str):
    """Run a `frozen_day` test at these INSTANTS only (for the slow ones)."""
    unknown = set(names) - set(INSTANTS)
    assert not unknown, f"not in tests.dates.INSTANTS: {sorted(unknown)}"
    return pytest.mark.parametrize("frozen_day", names, ids=names, indirect=True)


# ---------------------------------------------------------------------------------------------
# The plugin (`-p tests.dates`)
# ---------------------------------------------------------------------------------------------


def pytest_addoption(parser):
    parser.addoption(
        "--frozen-at",
        default=None,
        help="run every test with the clock started at this instant: a name of tests.dates."
        "INSTANTS or an ISO 8601 date-time with its offset (e.g. 2026-12-31T23:30:00Z)",
    )


def _instant(value: str) -> datetime:
    if value in INSTANTS:
        return INSTANTS[value]
    instant = datetime.fromisoformat(value)
    if instant.tzinfo is None:
        raise pytest.UsageError(f"--frozen-at needs an offset (Z, +01:00…): {value}")
    return instant


def pytest_report_header(config):
    value = config.getoption("--frozen-at", default=None)
    if value:
        return f"clock frozen at {_instant(value).isoformat()} (tests.dates)"
    return None


@pytest.fixture(autouse=True)
def _frozen_clock(request):
    value = request.config.getoption("--frozen-at", default=None)
    if not value:
        yield
        return
    with time_machine.travel(_instant(value), tick=True):
        yield
