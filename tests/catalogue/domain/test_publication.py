"""Publication writes the listing and the change feed in the transition's transaction, and the
catalogue shows a service exactly while its dossier is `published`."""

from datetime import date

import pytest
import time_machine
from django.db import connection

from applications.domain.exceptions import (
    TransitionBlocked,
    TransitionForbidden,
    TransitionInvalid,
)
from applications.enums import DossierState as S
from catalogue.domain import publication
from catalogue.domain.search import Criteria, listings_search
from catalogue.enums import EventKind
from catalogue.models import Listing, PublicEvent
from tests.assertions import assert_nothing_changed
from tests.catalogue.helpers import published
from tests.factories.dossiers import (
    _approve_card,
    _sign_convention,
    dossier_in_state,
    measure_fields,
)

pytestmark = pytest.mark.django_db


def _visible(listing) -> bool:
    return listings_search(Criteria()).filter(pk=listing.pk).exists()


def test_publish_writes_the_listing_from_the_card_and_the_referencing():
    dossier, cast, listing = published()
    decision = dossier.decisions.get()
    assert listing.listed and listing.dossier == dossier and listing.decision == decision
    assert listing.card.name == dossier.service.name[:120]
    assert listing.referential_version == decision.referential_version_code
    assert listing.renewal_due is not None
    assert "|region:FR|" in listing.facet_keys and "|exchange:no|" in listing.facet_keys
    event = PublicEvent.objects.get(listing=listing)
    assert (event.kind, event.decision_number) == (EventKind.PUBLISHED, decision.number)
    if connection.vendor == "postgresql":
        listing.refresh_from_db()
        assert listing.search_vector


def test_publish_needs_the_approved_card_and_writes_nothing_without_it():
    dossier, cast = dossier_in_state(S.REFERENCED)
    dossier = _sign_convention(dossier)
    with (
        assert_nothing_changed(dossier, tables=(Listing, PublicEvent)),
        pytest.raises(TransitionBlocked, match="fiche du catalogue"),
    ):
        publication.dossier_publish(dossier=dossier, actor=cast.admin)
    dossier = _approve_card(dossier, cast)
    assert publication.dossier_publish(dossier=dossier, actor=cast.admin).state == S.PUBLISHED


def test_visible_exactly_while_published_at_every_transition():
    dossier, cast, listing = published()
    assert _visible(listing)
    dossier = publication.dossier_suspend(
        dossier=dossier, actor=cast.admin, comment="Contrôle.", **measure_fields("suspend")
    )
    assert not _visible(listing)
    dossier = publication.dossier_reinstate(
        dossier=dossier, actor=cast.admin, comment="Corrigé.", **measure_fields("reinstate")
    )
    assert _visible(listing)
    publication.dossier_dereference(
        dossier=dossier, actor=cast.ministry, comment="Fin.", **measure_fields("dereference")
    )
    assert not _visible(listing)
    kinds = list(PublicEvent.objects.filter(listing=listing).values_list("kind", "motive"))
    assert kinds == [
        (EventKind.DEREFERENCED, "Fin."),
        (EventKind.REINSTATED, "Corrigé."),
        (EventKind.SUSPENDED, "Contrôle."),
        (EventKind.PUBLISHED, ""),
    ]


def test_suspension_and_dereferencing_need_a_public_motive():
    dossier, cast, listing = published()
    with (
        assert_nothing_changed(dossier, tables=(PublicEvent,)),
        pytest.raises(TransitionInvalid, match="motif public"),
    ):
        publication.dossier_suspend(
            dossier=dossier, actor=cast.admin, comment="  ", **measure_fields("suspend")
        )
    dossier.refresh_from_db()
    assert dossier.state == S.PUBLISHED and _visible(listing)


def test_a_failed_transition_leaves_the_listing_as_it_was():
    dossier, cast, listing = published()
    with (
        assert_nothing_changed(dossier, tables=(Listing, PublicEvent), rows=(listing,)),
        pytest.raises(TransitionForbidden),
    ):
        publication.dossier_suspend(
            dossier=dossier, actor=cast.editor, comment="Moi.", **measure_fields("suspend")
        )
    assert _visible(listing)


@pytest.mark.parametrize(
    ("signed", "due"),
    [
        ("2026-06-15 10:00 +02:00", date(2031, 6, 14)),
        ("2028-02-29 23:30 +01:00", date(2033, 2, 28)),
    ],
)
def test_renewal_due_is_the_last_day_of_the_convention_s_duration(settings, signed, due):
    settings.CONVENTION_DURATION_YEARS = 5
    dossier, cast = dossier_in_state(S.REFERENCED)
    with time_machine.travel(signed, tick=False):
        dossier = _approve_card(_sign_convention(dossier), cast)
        publication.dossier_publish(dossier=dossier, actor=cast.admin)
    assert Listing.objects.get(service=dossier.service).renewal_due == due
