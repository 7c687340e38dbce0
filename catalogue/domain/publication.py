"""Publication: the dossier's `publish`, `suspend`, `reinstate` and `dereference` transitions and
what each writes to the public catalogue, in the transition's own transaction.

- The listing (`Listing`) is written from the approved card and the dossier's referencing
  (decision, referential version, last day of the referencing); `listed` follows the dossier's
  state: true exactly while it is `published`.
- Each step appends a `PublicEvent` (the change feed, with its public motive and its decision's
  number); the publication of a new dossier of a service still in the catalogue is its renewal
  (`RENEWED`).
- A suspension, reinstatement or de-referencing taken by a person is a numbered, signed
  decision (`decisions.domain.measures.measure_record`), written in the transition's
  transaction; the portal's own suspension at expiry (no actor) is not.
- The public pages' cache is invalidated once the transaction commits
  (`portal.public_cache.invalidate_on_commit`): a suspended service disappears at once.
"""

from datetime import date

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import Value
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from applications.domain.exceptions import TransitionInvalid
from applications.domain.transitions import transition_apply
from applications.enums import DecisionOutcome
from applications.models import Dossier
from conventions.models import Convention, referencing_end
from decisions.domain.measures import measure_record
from decisions.enums import DecisionKind
from decisions.models import Decision
from portal.public_cache import invalidate_on_commit

from ..enums import CardState, EventKind, MesApi, Region, Theme
from ..models import Card, Listing, PublicEvent
from .search import SEARCH_CONFIG, fold

SLUG_MAX = 120


# ---------------------------------------------------------------------------------------------
# The transitions
# ---------------------------------------------------------------------------------------------


def dossier_publish(*, dossier: Dossier, actor, comment: str = "") -> Dossier:
    return transition_apply(
        "publish",
        dossier=dossier,
        actor=actor,
        comment=comment,
        on_applied=lambda d: listing_show(d, kind=EventKind.PUBLISHED, motive=comment),
    )


def dossier_suspend(
    *,
    dossier: Dossier,
    actor,
    comment: str = "",
    motives: str = "",
    remedy: str = "",
    remedy_deadline: date | None = None,
) -> Dossier:
    """Suspend a published service: `comment` is the public motive. Taken by a person (the
    administration), it is a numbered, signed decision stating the `motives`, what the editor
    must fix (`remedy`) and by when (`remedy_deadline`); taken by the portal itself (no actor:
    the expiry of the referencing, catalogue/domain/expiry.py), it is not a decision."""
    _require_motive(comment, _("Indiquez le motif public de la suspension."))

    def applied(locked):
        decision = _measure(
            locked,
            actor,
            DecisionKind.SUSPENSION,
            public_motive=comment,
            motives=motives,
            remedy=remedy,
            remedy_deadline=remedy_deadline,
        )
        listing_hide(locked, kind=EventKind.SUSPENDED, motive=comment, decision=decision)

    return transition_apply(
        "suspend", dossier=dossier, actor=actor, comment=comment, on_applied=applied
    )


def dossier_reinstate(
    *, dossier: Dossier, actor, comment: str = "", remedy_account: str = ""
) -> Dossier:
    """Put a suspended service back in the catalogue: a decision recording how the editor fixed
    what the suspension asked (`remedy_account`), which refers to that suspension; `comment` is
    the public motive."""

    def applied(locked):
        decision = _measure(
            locked,
            actor,
            DecisionKind.REINSTATEMENT,
            public_motive=comment,
            remedy_account=remedy_account,
        )
        listing_show(locked, kind=EventKind.REINSTATED, motive=comment, decision=decision)

    return transition_apply(
        "reinstate", dossier=dossier, actor=actor, comment=comment, on_applied=applied
    )


def dossier_dereference(
    *, dossier: Dossier, actor, comment: str = "", motives: str = ""
) -> Dossier:
    """De-reference a service, for good: a decision stating its `motives`; `comment` is the
    public motive its tombstone page shows."""
    _require_motive(comment, _("Indiquez le motif public du déréférencement."))

    def applied(locked):
        decision = _measure(
            locked, actor, DecisionKind.DEREFERENCING, public_motive=comment, motives=motives
        )
        listing_hide(locked, kind=EventKind.DEREFERENCED, motive=comment, decision=decision)

    return transition_apply(
        "dereference", dossier=dossier, actor=actor, comment=comment, on_applied=applied
    )


def _measure(dossier: Dossier, actor, kind: str, **fields) -> Decision | None:
    """The decision a person's measure is (None for the portal's own: no actor)."""
    if actor is None:
        return None
    return measure_record(dossier=dossier, actor=actor, kind=kind, **fields)


def _require_motive(comment: str, message: str) -> None:
    if not (comment or "").strip():
        raise TransitionInvalid(message)


# ---------------------------------------------------------------------------------------------
# The listing
# ---------------------------------------------------------------------------------------------


def listing_show(
    dossier: Dossier, *, kind: str, motive: str = "", decision: Decision | None = None
) -> Listing:
    """Write the listing of a dossier that becomes `published` and list it."""
    card = Card.objects.select_for_update().get(
        service_id=dossier.service_id, state=CardState.APPROVED
    )
    now = timezone.now()
    listing = Listing.objects.select_for_update().filter(service_id=dossier.service_id).first()
    if (
        kind == EventKind.PUBLISHED
        and listing is not None
        and listing.listed
        and listing.dossier_id != dossier.pk
    ):
        kind = EventKind.RENEWED  # a new dossier takes over from the one still listed
    referencing = _referencing_decision(dossier)
    values = {
        "dossier": dossier,
        "decision": referencing,
        "referenced_on": timezone.localdate(referencing.decided_at),
        "referential_version": referencing.referential_version_code
        or getattr(dossier.referential_version, "code", ""),
        "renewal_due": renewal_due(dossier),
        "grace_until": None,
        "listed": True,
        "updated_at": now,
    }
    if listing is None:
        listing = Listing(
            service_id=dossier.service_id,
            slug=_free_slug(card.name),
            first_published_at=now,
            card=card,
            **values,
        )
    else:
        for name, value in values.items():
            setattr(listing, name, value)
    _write_card(listing, card)
    _event(listing, kind, motive, at=now, decision=decision)
    return listing


def listing_hide(
    dossier: Dossier, *, kind: str, motive: str, decision: Decision | None = None
) -> Listing | None:
    """Take the dossier's service off the public catalogue (suspension, de-referencing)."""
    listing = Listing.objects.select_for_update().filter(service_id=dossier.service_id).first()
    if listing is None:
        return None
    listing.listed = False
    listing.updated_at = timezone.now()
    listing.save(update_fields=["listed", "updated_at"])
    _event(listing, kind, motive, at=listing.updated_at, decision=decision)
    return listing


def listing_apply_card(card: Card) -> Listing | None:
    """A newly approved card replaces the public one of an already published service."""
    listing = Listing.objects.select_for_update().filter(service_id=card.service_id).first()
    if listing is None:
        return None
    listing.updated_at = timezone.now()
    _write_card(listing, card)
    if listing.listed:
        _event(listing, EventKind.UPDATED, "", at=listing.updated_at)
    return listing


def renewal_due(dossier: Dossier):
    """The last day of the referencing: its signed convention's (`referencing_ends_on`: the
    day before the anniversary of the last signature, after the duration the convention
    states); for a dossier whose signature was recorded without a convention row (imported
    data), the same rule on `convention_signed_at` with CONVENTION_DURATION_YEARS."""
    convention = (
        Convention.objects.filter(dossier=dossier, signed_at__isnull=False)
        .only("signed_at", "duration_years")
        .order_by("-signed_at")
        .first()
    )
    if convention is not None:
        return convention.referencing_ends_on
    if dossier.convention_signed_at is None:
        return None
    return referencing_end(dossier.convention_signed_at, settings.CONVENTION_DURATION_YEARS)


def listing_keep_during_renewal(listing: Listing, *, until) -> Listing:
    """Past its last day, the service stays listed until `until` while its renewal is examined
    (catalogue/domain/expiry.py): the public page says so."""
    listing.grace_until = until
    listing.updated_at = timezone.now()
    listing.save(update_fields=["grace_until", "updated_at"])
    invalidate_on_commit()
    return listing


def _referencing_decision(dossier: Dossier) -> Decision:
    decision = (
        Decision.objects.filter(dossier=dossier, outcome=DecisionOutcome.REFERENCED)
        .order_by("-decided_at", "-pk")
        .first()
    )
    if decision is None:
        raise TransitionInvalid(_("Ce dossier n'a pas de décision de référencement."))
    return decision


def _free_slug(name: str) -> str:
    base = slugify(name)[:SLUG_MAX].strip("-") or "service"
    slug, n = base, 1
    while Listing.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base[: SLUG_MAX - len(str(n)) - 1]}-{n}"
    return slug


def facet_keys(card: Card) -> str:
    keys = []
    regions = set(card.regions)
    keys += [f"region:{r}" for r in sorted(regions)]
    keys += [f"theme:{t}" for t in card.themes]
    keys += [f"platform:{p['platform']}" for p in card.platforms]
    if card.price_model:
        keys.append(f"price:{card.price_model}")
    keys += [f"api:{a}" for a in card.data_exchange]
    keys.append("exchange:yes" if card.data_exchange else "exchange:no")
    return "|" + "|".join(keys) + "|"


def _labels(values, choices) -> list[str]:
    known = dict(choices.choices)
    return [str(known[v]) for v in values if v in known]


def _write_card(listing: Listing, card: Card) -> None:
    listing.card = card
    listing.sort_name = fold(card.name)[:120]
    listing.facet_keys = facet_keys(card)
    words = [
        card.name,
        card.editor_public_name,
        card.short_description,
        card.long_description,
        *_labels(card.themes, Theme),
        *_labels(card.regions, Region),
        *_labels(card.data_exchange, MesApi),
    ]
    listing.search_text = fold(" ".join(words))
    listing.save()
    if connection.vendor == "postgresql":
        vector = (
            SearchVector(Value(card.name), weight="A", config=SEARCH_CONFIG)
            + SearchVector(Value(card.editor_public_name), weight="B", config=SEARCH_CONFIG)
            + SearchVector(Value(card.short_description), weight="B", config=SEARCH_CONFIG)
            + SearchVector(
                Value(" ".join([card.long_description, *words[4:]])),
                weight="C",
                config=SEARCH_CONFIG,
            )
        )
        Listing.objects.filter(pk=listing.pk).update(search_vector=vector)
    invalidate_on_commit()


def _event(
    listing: Listing, kind: str, motive: str, *, at, decision: Decision | None = None
) -> PublicEvent:
    """The change feed's event; its decision number is that of `decision` (a measure), or of
    the listing's referencing decision for a publication or a renewal."""
    card = listing.card
    if decision is None and kind in (EventKind.PUBLISHED, EventKind.RENEWED):
        decision = listing.decision
    event = PublicEvent.objects.create(
        listing=listing,
        kind=kind,
        occurred_at=at,
        motive=(motive or "").strip(),
        service_name=card.name,
        editor_name=card.editor_public_name,
        decision_number=decision.number if decision is not None else "",
    )
    invalidate_on_commit()
    return event


def listing_for_public(slug: str) -> Listing | None:
    """The listed service at `slug`, with what its page shows, or None."""
    return (
        Listing.objects.listed()
        .select_related("card", "card__logo", "decision", "service__organisation")
        .defer("card__logo__content", "search_vector")
        .filter(slug=slug)
        .first()
    )


__all__ = [
    "dossier_dereference",
    "dossier_publish",
    "dossier_reinstate",
    "dossier_suspend",
    "listing_apply_card",
    "listing_for_public",
    "listing_hide",
    "listing_keep_during_renewal",
    "listing_show",
    "renewal_due",
]
