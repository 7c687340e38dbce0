"""The public card of a service, proposed by its editor and reviewed by the administration.

One service per move, each in a transaction with the rows it changes locked, the permission
checked (catalogue/rules.py), the card saved with its author for the history (every state of a
card is one django-simple-history row) and the e-mail queued in the same transaction (the outbox
sends it once it commits):

    draft ──card_submit──▶ in_review ──card_approve──▶ approved ──(next approval)──▶ superseded
      ▲                      │
      └── changes_requested ◀┘ card_request_changes (with the administration's comment)

A service has at most one open version (draft, in review or changes requested) and one approved
version; the approved one stays public while the next is written and reviewed, and becomes
`superseded` the moment the next is approved. A card can be proposed once the service's dossier
is referenced (and while it is published or suspended).

Validity (lengths, vocabularies, HTTPS links on the right stores, the declaration of accessibility,
only the data exchanges the dossier requested) is checked at every save; completeness (every
field the catalogue shows) when the card is submitted — both in card_validation.py.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.domain.exceptions import (
    TransitionBlocked,
    TransitionConflict,
    TransitionForbidden,
    TransitionInvalid,
    TransitionNotAvailable,
)
from applications.enums import DossierState
from applications.models import Service

from .. import rules as r
from ..enums import (
    EDITABLE_CARD_STATES,
    OPEN_CARD_STATES,
    CardState,
    MesApi,
    Platform,
    Region,
    Theme,
)
from ..models import SHORT_DESCRIPTION_MAX, Card
from .card_validation import CARD_FIELDS, card_errors, card_missing_fields, field_label
from .logos import logo_store
from .notifications import notify_card_event
from .publication import listing_apply_card

#: A card may be proposed and reviewed while the service is referenced (decided, then published
#: or suspended); not before the decision, not after a de-referencing.
CARD_DOSSIER_STATES = (DossierState.REFERENCED, DossierState.PUBLISHED, DossierState.SUSPENDED)

# -- reads ----------------------------------------------------------------------------------------


def card_unavailable_reason(service: Service) -> str | None:
    """Why no card can be proposed for `service` yet (French), or None when it can."""
    dossiers = list(service.dossiers.order_by("-created_at", "-pk").only("reference", "state"))
    if any(d.state in CARD_DOSSIER_STATES for d in dossiers):
        return None
    if not dossiers:
        return _(
            "La fiche du catalogue se propose une fois le service référencé : ce service n'a "
            "pas encore de dossier de référencement."
        )
    latest = dossiers[0]
    return _(
        "La fiche du catalogue se propose une fois le service référencé par le ministère : le "
        "dossier %(ref)s est à l'état « %(state)s »."
    ) % {"ref": latest.reference, "state": latest.get_state_display()}


def card_suggestion(service: Service, approved: Card | None) -> dict:
    """What a new version starts from: the approved version, else the service's description
    (its short description cut to the card's length, for the editor to check)."""
    if approved is not None:
        values = {name: getattr(approved, name) for name in CARD_FIELDS}
        values["logo"] = approved.logo
        return values
    requested = service.mes_apis if service.requests_data_exchange else []
    return {
        "name": service.name[: Card._meta.get_field("name").max_length],
        "editor_public_name": service.organisation.name[
            : Card._meta.get_field("editor_public_name").max_length
        ],
        "short_description": suggested_short_description(service.short_description),
        "long_description": service.long_description,
        "themes": [t for t in Theme.values if t in service.themes],
        "regions": [x for x in Region.values if x in service.regions],
        "platforms": [
            {"platform": platform, "url": url}
            for platform, url in [
                (Platform.WEB.value, service.web_url),
                (Platform.IOS.value, service.ios_url),
                (Platform.ANDROID.value, service.android_url),
            ]
            if url
        ],
        "price_model": service.price_model,
        "data_exchange": [a for a in MesApi.values if a in requested],
    }


def suggested_short_description(text: str) -> str:
    """`text` cut at a word to fit the card (with « … »); unchanged when it already fits."""
    text = " ".join((text or "").split())
    if len(text) <= SHORT_DESCRIPTION_MAX:
        return text
    head = text[: SHORT_DESCRIPTION_MAX - 1]
    if " " in head and text[SHORT_DESCRIPTION_MAX - 1] != " ":
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,;:.-") + "…"


# -- writes ---------------------------------------------------------------------------------------


def card_open(*, service: Service, actor) -> Card:
    """The editor's open version of `service`'s card, created from the approved version (or the
    service's description) when there is none."""
    if not r.can_open_card.test(actor, service):
        raise TransitionForbidden(
            _("Seul un éditeur membre de l'organisation du service peut proposer sa fiche.")
        )
    with transaction.atomic():
        locked = (
            Service.objects.select_for_update().select_related("organisation").get(pk=service.pk)
        )
        _require_referenced(locked)
        current = Card.objects.filter(service=locked, state__in=OPEN_CARD_STATES).first()
        if current is not None:
            return current
        approved = Card.objects.filter(service=locked, state=CardState.APPROVED).first()
        last = Card.objects.filter(service=locked).aggregate(last=Max("version"))["last"] or 0
        card = Card(
            service=locked,
            version=last + 1,
            state=CardState.DRAFT,
            created_by=actor,
            **card_suggestion(locked, approved),
        )
        _save(card, actor, _("Nouvelle version"))
    return card


def card_update(*, card: Card, actor, data: dict) -> Card:
    """Change the editor's draft (or the version sent back for changes).

    `data` holds fields of CARD_FIELDS, and optionally `logo` (a Logo, or None to remove it) or
    `logo_file` (an upload, checked and stored by `logo_store`). Raises ValidationError (French,
    by field) and saves nothing when something is wrong."""
    unknown = set(data) - {*CARD_FIELDS, "logo", "logo_file"}
    if unknown:
        raise TypeError(f"unexpected card fields: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        locked = _lock(card)
        _require_editor(locked, actor)
        if locked.state not in EDITABLE_CARD_STATES:
            raise TransitionNotAvailable(
                _("La fiche est à l'état « %(state)s » : elle ne peut plus être modifiée.")
                % {"state": locked.get_state_display()}
            )
        _require_referenced(locked.service)
        for name in CARD_FIELDS:
            if name in data:
                setattr(locked, name, _normalised(name, data[name]))
        if "logo" in data:
            locked.logo = data["logo"]
        errors = card_errors(locked)
        upload = data.get("logo_file")
        if upload:
            try:
                locked.logo = logo_store(upload)
            except ValidationError as exc:
                errors.setdefault("logo", []).extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        _save(locked, actor, _("Modification"))
    return locked


def card_submit(*, card: Card, actor) -> Card:
    """Send the card to the administration's review; every required field must be filled."""
    with transaction.atomic():
        locked = _lock(card, expected_state=card.state)
        _require_editor(locked, actor)
        if locked.state not in EDITABLE_CARD_STATES:
            raise _not_available(locked, _("Soumettre à la relecture"))
        _require_referenced(locked.service)
        reasons = []
        missing = card_missing_fields(locked)
        if missing:
            reasons.append(
                _("Complétez la fiche avant de la soumettre : %(fields)s.")
                % {"fields": ", ".join(missing)}
            )
        for name, messages in card_errors(locked).items():
            reasons.extend(f"{field_label(name)} : {message}" for message in messages)
        if reasons:
            raise TransitionBlocked(reasons)
        locked.state = CardState.IN_REVIEW
        locked.submitted_at = timezone.now()
        locked.review_comment = ""  # the previous round's comment stays in the history
        _save(locked, actor, _("Soumission à la relecture"))
        notify_card_event("card_submitted", card=locked, actor=actor)
    return locked


def card_request_changes(*, card: Card, actor, comment: str) -> Card:
    """The administration sends the card back to its editor with what to change."""
    comment = (comment or "").strip()
    with transaction.atomic():
        locked = _lock(card, expected_state=card.state)
        _require_reviewer(locked, actor)
        if not comment:
            raise TransitionInvalid(_("Indiquez les modifications attendues."))
        locked.state = CardState.CHANGES_REQUESTED
        locked.review_comment = comment
        locked.reviewed_at = timezone.now()
        locked.reviewed_by = actor
        _save(locked, actor, _("Modifications demandées"))
        notify_card_event("card_changes_requested", card=locked, actor=actor)
    return locked


def card_approve(*, card: Card, actor) -> Card:
    """The administration approves the card: it replaces the previously approved version (now
    `superseded`) and, when the service is already in the catalogue, the public listing."""
    with transaction.atomic():
        # The service's row first, as card_open does: no version appears meanwhile.
        Service.objects.select_for_update().values_list("pk", flat=True).get(pk=card.service_id)
        locked = _lock(card, expected_state=card.state)
        _require_reviewer(locked, actor)
        _require_referenced(locked.service)
        now = timezone.now()
        previous = Card.objects.select_for_update().filter(
            service_id=locked.service_id, state=CardState.APPROVED
        )
        for old in previous:
            old.state = CardState.SUPERSEDED
            _save(old, actor, _("Remplacée par la version %(v)s") % {"v": locked.version})
        locked.state = CardState.APPROVED
        locked.reviewed_at = now
        locked.reviewed_by = actor
        _save(locked, actor, _("Approbation"))
        listing_apply_card(locked)
        notify_card_event("card_approved", card=locked, actor=actor)
    return locked


# -- helpers --------------------------------------------------------------------------------------


def _lock(card: Card, *, expected_state: str | None = None) -> Card:
    """The card's row, locked for the transaction; a conflict if it moved since it was read."""
    try:
        locked = (
            Card.objects.select_for_update(of=("self",))
            .select_related("service__organisation")
            .get(pk=card.pk)
        )
    except Card.DoesNotExist:
        raise TransitionNotAvailable(_("Cette fiche n'existe plus.")) from None
    if expected_state is not None and locked.state != expected_state:
        raise TransitionConflict(
            _(
                "La fiche a été modifiée par quelqu'un d'autre entre-temps (elle est maintenant "
                "« %(state)s »). Rechargez la page avant de recommencer."
            )
            % {"state": locked.get_state_display()}
        )
    return locked


def _require_editor(card: Card, actor) -> None:
    if not r.card_editor.test(actor, card):
        raise TransitionForbidden(
            _("Seul un éditeur membre de l'organisation du service peut modifier sa fiche.")
        )


def _require_reviewer(card: Card, actor) -> None:
    if not r.is_admin.test(actor):
        raise TransitionForbidden(_("Seule l'administration relit les fiches du catalogue."))
    if card.state != CardState.IN_REVIEW:
        raise _not_available(card, _("Relire la fiche"))


def _require_referenced(service: Service) -> None:
    reason = card_unavailable_reason(service)
    if reason:
        raise TransitionNotAvailable(reason)


def _not_available(card: Card, action: str) -> TransitionNotAvailable:
    return TransitionNotAvailable(
        _("L'action « %(action)s » n'est pas possible sur une fiche « %(state)s ».")
        % {"action": action, "state": card.get_state_display()}
    )


def _normalised(name: str, value):
    """Lists without duplicates, in the vocabulary's order (unknown values kept at the end for
    `card_errors` to report); texts stripped."""
    orders = {"themes": Theme, "regions": Region, "data_exchange": MesApi}
    if name in orders:
        values = list(dict.fromkeys(value or []))
        known = [v for v in orders[name].values if v in values]
        return known + [v for v in values if v not in orders[name].values]
    if name == "platforms":
        return list(value or [])
    return (value or "").strip()


def _save(card: Card, actor, reason: str) -> None:
    """Save with the author and the reason on the history row (simple_history reads both)."""
    card._history_user = actor
    card._change_reason = str(reason)[:100]
    card.save()


__all__ = [
    "CARD_DOSSIER_STATES",
    "CARD_FIELDS",
    "card_approve",
    "card_errors",
    "card_missing_fields",
    "card_open",
    "card_request_changes",
    "card_submit",
    "card_unavailable_reason",
    "card_update",
    "suggested_short_description",
]
