"""The instructor signs in with a password and a TOTP code, then prepares to declare a submitted
dossier incomplete. axe checks every page on the way."""

import pytest
from playwright.sync_api import expect

from .conftest import assert_no_axe_violations, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_instructor_signs_in_with_totp_and_opens_a_transition(page, live_server, demo_data):
    login(page, live_server, "instructor@demo.test", totp=True, check_accessibility=True)

    expect(page.locator("h1")).to_have_text("Dossiers à instruire")
    assert_no_axe_violations(page)

    # DiabèteFacile (organisation B) waits in the "Déposé" state.
    page.locator("tbody tr").filter(has_text="DiabèteFacile").get_by_role("link").click()
    expect(page.locator("h1")).to_have_text("DiabèteFacile")
    action = page.get_by_role("link", name="Déclarer le dossier incomplet")
    expect(action).to_be_visible()
    assert_no_axe_violations(page)

    action.click()
    expect(page.locator("h1")).to_have_text("Déclarer le dossier incomplet")
    expect(
        page.get_by_role("button", name="Confirmer : Déclarer le dossier incomplet")
    ).to_be_visible()
    assert_no_axe_violations(page)
