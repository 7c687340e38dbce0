"""What the dossier page shows of the convention, and the next action it offers each person,
in a fixed number of queries; and the partial the dossier page includes."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from applications.domain.dossier_page import dossier_page
from applications.models import Dossier
from conventions.domain.queries import dossier_convention_section
from portal.accounts.models import User
from tests.factories import OrganisationFactory, editor
from tests.factories.conventions import accepted, drawn_up, referenced_dossier, signed

pytestmark = pytest.mark.django_db


def _fresh(user):
    """The user as a request loads it: roles and memberships not read yet."""
    return User.objects.get(pk=user.pk)


def _html(section, user):
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string(
        "conventions/_dossier_convention.html", {"section": section}, request=request
    )


def test_admin_is_offered_to_draw_up_on_a_referenced_dossier(django_assert_num_queries):
    dossier, _decision, cast = referenced_dossier()
    admin = _fresh(cast.admin)
    with django_assert_num_queries(3):  # roles, the current convention, the latest decision
        section = dossier_convention_section(dossier=dossier, user=admin)
    assert section.next_action == "draw_up" and section.convention is None
    assert "Établir la convention" in _html(section, admin)


def test_admin_is_told_why_while_the_decision_pdf_is_pending():
    dossier, decision, cast = referenced_dossier(render_decision=False)
    section = dossier_convention_section(dossier=dossier, user=cast.admin)
    assert section.next_action is None and decision.number in section.draw_up_reason
    assert "Établir la convention" not in _html(section, cast.admin)


def test_editor_is_offered_to_sign(django_assert_num_queries):
    convention, cast = drawn_up()
    person = _fresh(cast.editor)
    dossier = Dossier.objects.select_related("service").get(pk=convention.dossier_id)
    with django_assert_num_queries(3):  # roles, memberships, the current convention
        section = dossier_convention_section(dossier=dossier, user=person)
    assert section.next_action == "accept"
    html = _html(section, person)
    assert "Signer la convention" in html and convention.number in html
    assert "En attente de la signature de l&#x27;éditeur" in html


def test_admin_is_offered_to_countersign_then_nothing_once_signed():
    convention, cast = accepted()
    section = dossier_convention_section(dossier=convention.dossier, user=cast.admin)
    assert section.next_action == "countersign"
    assert section.convention.pk == convention.pk
    assert (
        dossier_convention_section(dossier=convention.dossier, user=cast.editor).next_action is None
    )


def test_signed_convention_shows_its_date():
    convention, cast = signed()
    section = dossier_convention_section(dossier=convention.dossier, user=cast.editor)
    assert section.next_action is None
    assert "Signée par les deux parties le" in _html(section, cast.editor)


def test_nothing_shown_to_those_who_may_not_see_it_nor_before_the_referencing():
    convention, cast = drawn_up(render=False)
    assert dossier_convention_section(dossier=convention.dossier, user=cast.member) is None
    other = editor(OrganisationFactory())
    assert dossier_convention_section(dossier=convention.dossier, user=other) is None
    assert dossier_convention_section(dossier=convention.dossier, user=cast.instructor)


def test_dossier_page_carries_the_section():
    convention, cast = drawn_up()
    page = dossier_page(dossier=convention.dossier, user=cast.editor, expert_only=False)
    assert page.sections["convention"].next_action == "accept"
