"""Browser journeys: Debian's Chromium driven by Playwright against pytest-django's live server.

Every page a journey reaches is also checked with axe-core (shipped inside axe-playwright-python,
so it works offline).
"""

import io
import os
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone
from pytest_django.live_server_helper import LiveServer

from demo.seed import DEMO_PASSWORD, DEMO_TOTP_SECRET

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, never a browser downloaded by `playwright install`."""
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A French browser (Chromium says en-US by default): the portal answers in the language the
    browser asks for (LocaleMiddleware), and the journeys read French. English journeys switch
    with the header's selector (`switch_language`)."""
    return {**browser_context_args, "locale": "fr-FR"}


@pytest.fixture(scope="package")
def live_server(request, collected_static):
    """pytest-django's live server, with static files served as in production.

    pytest-django wraps the server in staticfiles' StaticFilesHandler, which looks files up with
    the finders: it knows no hashed name, so every stylesheet and script would answer 404 and axe
    would check an unstyled page. Passing requests straight to the WSGI application lets
    WhiteNoise serve the collected files.
    """
    addr = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(addr, start=False)
    server.thread.static_handler = _no_static_handler
    server.start()
    yield server
    server.stop()


def _no_static_handler(application):
    return application


@pytest.fixture(autouse=True)
def _production_cache(redis_cache):
    """Journeys run on the production cache: allauth's rate-limit counters in the real Redis."""


#: The demo data as `seed_demo` wrote it, by hour of the clock it was seeded at:
#: {hour: {table: its rows, as PostgreSQL's COPY writes them}}.
_DEMO_SNAPSHOTS = {}


def _tables():
    return sorted(connection.introspection.django_table_names(only_existing=True))


def _snapshot() -> dict[str, bytes]:
    with connection.cursor() as cursor:
        raw = cursor.cursor
        rows = {}
        for table in _tables():
            with raw.copy(f"COPY {connection.ops.quote_name(table)} TO STDOUT") as copy:
                rows[table] = b"".join(bytes(chunk) for chunk in copy)
        return rows


def _restore(rows: dict[str, bytes]) -> None:
    """Every table as in `rows`, content types, permissions and role groups included (their
    ids are the snapshot's, not those written again after the last emptying), then the
    sequences past the highest ids. The tables' own triggers are off while the rows go back
    (the dossiers' search vector, say, would be computed before their services are there):
    the rows are restored as they were, computed columns included."""
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal"
        )
        triggered = [table for (table,) in cursor.fetchall() if table.strip('"') in rows]
        for table in triggered:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        cursor.execute("TRUNCATE " + ", ".join(quote(table) for table in rows))
        for table, data in rows.items():
            if data:
                with cursor.cursor.copy(f"COPY {quote(table)} FROM STDIN") as copy:
                    copy.write(data)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the foreign keys checked now
        for table in triggered:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
            cursor.execute(sql)
    ContentType.objects.clear_cache()  # its ids are the snapshot's now


@pytest.fixture
def demo_data(transactional_db, settings):
    """The demo people, organisations and dossiers, committed so that the live server sees them.

    Seeding runs every service of the portal (tens of seconds, PDFs included): it runs once per
    hour of the clock — the journeys' own frozen clocks included, since the demo's dates follow
    it — and PostgreSQL copies out every table; the other journeys of that hour copy them back
    in (a second). Between journeys the database is emptied (`transactional_db`); the files the
    seeding stored stay where they are, which is where the rows say.

    A fast password hasher (for the 12 demo accounts) keeps each journey's setup short; the live
    server runs in this process, so it verifies passwords with the same setting.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    hour = timezone.now().strftime("%Y-%m-%dT%H")
    if hour in _DEMO_SNAPSHOTS:
        _restore(_DEMO_SNAPSHOTS[hour])
        return
    call_command("seed_demo", "--force", "--catalogue=0", stdout=io.StringIO())
    if connection.vendor == "postgresql":
        _DEMO_SNAPSHOTS[hour] = _snapshot()


#: Per page: the stylesheets, scripts, fonts and images that did not load or were blocked.
_ASSET_PROBLEMS = {}
_ASSET_TYPES = {"stylesheet", "script", "font", "image"}


@pytest.fixture
def page(page):
    """pytest-playwright's page, watched for assets that fail to load or that the browser blocks
    (a wrong Subresource Integrity hash, a 404 on a hashed static file...)."""
    problems = []

    def on_response(response):
        if response.request.resource_type in _ASSET_TYPES and response.status >= 400:
            problems.append(f"HTTP {response.status}: {response.url}")

    def on_request_failed(request):
        if request.resource_type in _ASSET_TYPES:
            problems.append(f"{request.failure}: {request.url}")

    def on_console(message):
        if message.type == "error" and "integrity" in message.text:
            problems.append(message.text)

    page.on("response", on_response)
    page.on("requestfailed", on_request_failed)
    page.on("console", on_console)
    _ASSET_PROBLEMS[page] = problems
    yield page
    del _ASSET_PROBLEMS[page]


def assert_page_styled(page):
    """axe judges contrast, focus and layout on the rendered page: the DSFR must be applied."""
    page.wait_for_load_state("load")
    problems = list(dict.fromkeys(_ASSET_PROBLEMS.get(page, [])))
    if any("integrity" in problem for problem in problems):
        # The manifest storage rewrites the url(...) inside the DSFR's CSS when it hashes file
        # names, so the checksums django-dsfr ships no longer match what STATIC_ROOT serves.
        problems.append(
            "hint: set DSFR_USE_INTEGRITY_CHECKSUMS = False in portal/settings.py"
            " (same-origin files: Subresource Integrity adds nothing there)"
        )
    assert not problems, "assets not loaded or blocked during this journey:\n" + "\n".join(problems)
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Marianne" in font, f"the DSFR stylesheet is not applied on {page.url} ({font})"


_AXE = Axe()


def assert_no_axe_violations(page):
    """Run axe-core on the page as it is now (styled by the DSFR); fail with every violation and
    where it is."""
    assert_page_styled(page)
    results = _AXE.run(page)
    violations = results.response["violations"]
    if not violations:
        return
    lines = [f"axe found {len(violations)} violation(s) on {page.url}:"]
    for violation in violations:
        targets = "; ".join(
            " ".join(str(part) for part in node["target"]) for node in violation["nodes"]
        )
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} — {targets}"
        )
    pytest.fail("\n".join(lines), pytrace=False)


def _current_totp_code() -> str:
    """The demo TOTP code, computed as allauth does; when the current period is about to end,
    wait for the next one so that the server still accepts the code when the form arrives."""
    period = settings.MFA_TOTP_PERIOD
    if period - time.time() % period < 3:
        time.sleep(period - time.time() % period + 0.1)
    counter = int(time.time()) // period
    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter))


def login(page, live_server, email, totp=False, password=DEMO_PASSWORD, check_accessibility=False):
    """Sign in through allauth's login form and, for staff, the TOTP step that follows; with
    check_accessibility, axe checks each of these pages before it is filled in."""
    page.goto(f"{live_server.url}/comptes/login/")
    if check_accessibility:
        assert_no_axe_violations(page)
    form = page.locator("form").filter(has=page.locator("input[name=login]"))
    form.locator("input[name=login]").fill(email)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()
    if totp:
        page.wait_for_url("**/comptes/2fa/authenticate/")
        if check_accessibility:
            assert_no_axe_violations(page)
        code_form = page.locator("form").filter(has=page.locator("input[name=code]"))
        code_form.locator("input[name=code]").fill(_current_totp_code())
        # The form's other submit button ("Annuler") belongs to the logout form (form=…).
        code_form.locator("button[type=submit]:not([form])").click()
    page.wait_for_url(f"{live_server.url}/")


def switch_language(page, code="en"):
    """Choose a language with the header's selector (DSFR's fr-translate: a POST form to
    set_language), as a person does; the choice is a cookie, kept for the rest of the journey.
    Without JavaScript the choices show at once (no menu to open)."""
    header = page.locator(".fr-header__tools")
    opener = header.locator(".fr-translate__btn")
    if opener.is_visible() and opener.get_attribute("aria-expanded") != "true":
        opener.click()
    with page.expect_navigation():
        header.locator(f'.fr-translate__language[lang="{code}"]').click()
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == code, f"still not in {code}: {page.url}"
