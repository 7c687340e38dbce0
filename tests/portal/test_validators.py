"""Digits typed by people are 0-9 only: « ² », Arabic-Indic « ٥ » and full-width « ５ » are refused
with a French message (never a 500), spaces between groups are dropped, and numbers read from a
querystring never break a page."""

from datetime import timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from applications.enums import DossierState
from applications.models import Answer
from portal.organisations.models import Organisation
from portal.organisations.services import organisation_create
from portal.validators import ascii_digits, has_non_ascii_digit
from reviews.models import Assignment, CommissionSession
from tests.factories import OrganisationFactory, editor, expert, staff_user
from tests.factories.dossiers import dossier_in_state

S = DossierState
pytestmark = pytest.mark.django_db

CREATE = reverse("organisations:organisation-create")
#: A real SIREN (Luhn-valid) written in other digits.
SIREN = "552100554"
SUPERSCRIPT_SIREN = "55210055²"
ARABIC_INDIC_SIREN = "٥٥٢١٠٠٥٥٤"
FULL_WIDTH_SIREN = "５５２１００５５４"
DIGITS_ONLY = "ne doit contenir que des chiffres de 0 à 9"
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def _in_ten_days() -> str:
    return (timezone.localdate() + timedelta(days=10)).isoformat()


def _content(response) -> str:
    return unescape(response.content.decode())


def _create(client, **fields):
    data = {
        "name": "Ma Santé SAS",
        "siren": SIREN,
        "street": "1 rue Haute",
        "postal_code": "75011",
        "city": "Paris",
        **fields,
    }
    client.force_login(editor())
    return client.post(CREATE, data)


# -- The rule ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "digits"),
    [
        ("552100554", "552100554"),
        ("552 100 554", "552100554"),
        ("552\u00a0100\u00a0554", "552100554"),  # no-break spaces, as pasted from a PDF
        ("552\u202f100\t554 ", "552100554"),
    ],
)
def test_ascii_digits_drops_spaces(typed, digits):
    assert ascii_digits(typed, length=9, label="Le SIREN") == digits


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (SUPERSCRIPT_SIREN, DIGITS_ONLY),
        (ARABIC_INDIC_SIREN, DIGITS_ONLY),
        (FULL_WIDTH_SIREN, DIGITS_ONLY),
        ("55210055A", DIGITS_ONLY),
        ("-55210055", DIGITS_ONLY),
        ("", DIGITS_ONLY),
        ("55210055", "doit comporter exactement 9 chiffres"),
        ("5521005540", "doit comporter exactement 9 chiffres"),
    ],
)
def test_ascii_digits_refuses_anything_but_0_to_9(typed, message):
    with pytest.raises(ValidationError) as raised:
        ascii_digits(typed, length=9, label="Le SIREN")
    assert raised.value.messages == [f"Le SIREN {message}."]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2026-01-31", False), ("0,50", False), ("²", True), ("٣", True), ("５", True), ("Ⅻ", True)],
)
def test_has_non_ascii_digit(value, expected):
    assert has_non_ascii_digit(value) is expected


# -- SIREN ---------------------------------------------------------------------------------------


def test_superscript_siren_is_a_form_error_not_a_500(client):
    response = _create(client, siren=SUPERSCRIPT_SIREN)
    assert response.status_code == 400
    assert f"Le SIREN {DIGITS_ONLY}." in _content(response)
    assert not Organisation.objects.exists()


@pytest.mark.parametrize("siren", [ARABIC_INDIC_SIREN, FULL_WIDTH_SIREN, "５５２ １００ ５５４"])
def test_siren_in_other_digits_is_refused(client, siren):
    response = _create(client, siren=siren)
    assert response.status_code == 400
    assert f"Le SIREN {DIGITS_ONLY}." in _content(response)
    assert not Organisation.objects.exists()


def test_the_same_siren_in_other_digits_cannot_make_a_second_organisation(client):
    OrganisationFactory(siren=SIREN)
    response = _create(client, siren=ARABIC_INDIC_SIREN)
    assert response.status_code == 400
    assert Organisation.objects.count() == 1


@pytest.mark.parametrize("siren", ["552 100 554", "552\u00a0100\u00a0554", " 552100554 "])
def test_spaces_in_a_siren_are_dropped(client, siren):
    assert _create(client, siren=siren).status_code == 302
    assert Organisation.objects.get().siren == SIREN


def test_the_service_refuses_a_non_ascii_siren_too():
    with pytest.raises(ValidationError) as raised:
        organisation_create(
            actor=editor(),
            name="X",
            siren=ARABIC_INDIC_SIREN,
            street="1 rue",
            postal_code="75011",
            city="Paris",
        )
    assert f"Le SIREN {DIGITS_ONLY}." in raised.value.messages
    assert not Organisation.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [{"siren": ARABIC_INDIC_SIREN}, {"siren": "55210055 "}, {"postal_code": "７５０１１"}],
)
def test_the_database_refuses_non_ascii_digits(fields):
    values = {"name": "X", "siren": SIREN, "street": "1 rue", "postal_code": "75011", "city": "P"}
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(**{**values, **fields})


# -- Postal code ---------------------------------------------------------------------------------


@pytest.mark.parametrize("postal_code", ["７５０１１", "٧٥٠١١", "7501²", "7501A"])
def test_postal_code_in_other_digits_is_refused(client, postal_code):
    response = _create(client, postal_code=postal_code)
    assert response.status_code == 400
    assert f"Le code postal {DIGITS_ONLY}." in _content(response)
    assert not Organisation.objects.exists()


def test_postal_code_of_the_wrong_length_is_refused(client):
    response = _create(client, postal_code="7501")
    assert response.status_code == 400
    assert "Le code postal doit comporter exactement 5 chiffres." in _content(response)


def test_spaces_in_a_postal_code_are_dropped(client):
    assert _create(client, postal_code="75 011").status_code == 302
    assert Organisation.objects.get().postal_code == "75011"


# -- Numbers and dates in other forms ------------------------------------------------------------


@pytest.mark.parametrize("version", ["٠", "０", "⁰"])
def test_answer_version_in_other_digits_is_refused(client, version):
    dossier, cast = dossier_in_state(S.DRAFT, filled=False)
    client.force_login(cast.editor)
    response = client.post(
        reverse("applications:answer-update", args=[dossier.pk, "ETH-ACC-01"]),
        {"status": "not_applicable", "justification": "", "free_text": "", "version": version},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert not Answer.objects.filter(dossier=dossier, requirement__code="ETH-ACC-01").exists()


def test_answer_version_beyond_the_database_range_is_refused(client):
    dossier, cast = dossier_in_state(S.DRAFT, filled=False)
    client.force_login(cast.editor)
    response = client.post(
        reverse("applications:answer-update", args=[dossier.pk, "ETH-ACC-01"]),
        {"status": "not_applicable", "justification": "", "free_text": "", "version": 2**63},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400


def _session_data(**fields):
    chair = staff_user("commission_member")
    return {
        "title": "Séance de mars",
        "date": _in_ten_days(),
        "members": [chair.pk],
        "chair": chair.pk,
        "quorum_ratio": "0.50",
        **fields,
    }


@pytest.mark.parametrize(
    ("field", "typed"),
    [
        ("quorum_ratio", "٠.٥٠"),
        ("quorum_ratio", "０.５０"),
        ("date", _in_ten_days().translate(FULL_WIDTH)),
        ("date", _in_ten_days().translate(ARABIC_INDIC)),
    ],
)
def test_session_numbers_in_other_digits_are_refused(client, field, typed):
    client.force_login(staff_user("instructor"))
    response = client.post(
        reverse("reviews:commission-session-create"), _session_data(**{field: typed})
    )
    assert response.status_code == 400
    assert "chiffres de 0 à 9 uniquement" in _content(response)
    assert not CommissionSession.objects.exists()


def test_session_with_ascii_numbers_is_created(client):
    client.force_login(staff_user("instructor"))
    response = client.post(reverse("reviews:commission-session-create"), _session_data())
    assert response.status_code == 302
    assert CommissionSession.objects.get().quorum_ratio == Decimal("0.50")


def test_due_date_in_other_digits_is_refused(client):
    dossier, cast = dossier_in_state(S.SUBMITTED)
    person = expert("ethics")
    client.force_login(cast.instructor)
    response = client.post(
        reverse("reviews:assignment-create", args=[dossier.pk, "ethics"]),
        {
            "ethics-expert": person.pk,
            "ethics-due_on": _in_ten_days().translate(FULL_WIDTH),
        },
    )
    assert response.status_code == 400
    assert not Assignment.objects.filter(dossier=dossier).exists()


# -- Numbers in querystrings ---------------------------------------------------------------------

GARBAGE = ["²", "abc", "٢", "-1", "1.5", "9" * 30, "0x10", ""]


@pytest.mark.parametrize("page", GARBAGE)
def test_home_page_number_never_breaks_the_page(client, page):
    _dossier, cast = dossier_in_state(S.DRAFT, filled=False)
    client.force_login(cast.editor)
    assert client.get(reverse("home"), {"page-editor": page}).status_code == 200


@pytest.mark.parametrize("page", GARBAGE)
def test_instructor_queue_page_number_never_breaks_the_page(client, page):
    client.force_login(staff_user("instructor"))
    response = client.get(reverse("reviews:instructor-queue"), {"page": page, "etat": page})
    assert response.status_code == 200


@pytest.mark.parametrize("page", ["²", "abc", "٢"])
def test_expert_queue_and_sessions_page_numbers_never_break_the_page(client, page):
    client.force_login(expert("ethics"))
    assert client.get(reverse("reviews:expert-queue"), {"page": page}).status_code == 200
    client.force_login(staff_user("instructor"))
    assert client.get(reverse("reviews:commission-sessions"), {"page": page}).status_code == 200


@pytest.mark.parametrize("page", ["²", "abc", "٢", "9" * 30])
def test_dossier_timeline_page_number_never_breaks_the_page(client, page):
    dossier, cast = dossier_in_state(S.SUBMITTED)
    client.force_login(cast.editor)
    detail = reverse("applications:dossier-detail", args=[dossier.pk])
    assert client.get(detail, {"page": page}).status_code == 200


@pytest.mark.parametrize("pk", ["²", "٢", "abc"])
def test_non_ascii_ids_in_urls_are_not_found(client, pk):
    client.force_login(editor())
    assert client.get(f"/organisations/{pk}/").status_code == 404
