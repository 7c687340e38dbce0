"""The commission's vote on each agenda item: conflicts, votes, the chair opening and closing,
and the result (quorum, majority, the chair's vote settling a tie).

Who votes: the members present and without a conflict of interest on the item; each casts one of
the four opinions or abstains. Quorum: more than `quorum_ratio` (default one half) of the members
without a conflict took part in the vote, abstentions included. Majority: among the expressed
votes only (abstentions left out). A vote opens on the session's day or later
(`COMMISSION_VOTES_OPEN_EARLY` lifts that for tests and demonstrations)."""

from collections import Counter
from datetime import date as Date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from applications import rules as r
from applications.domain.exceptions import TransitionInvalid
from applications.domain.transitions import transition_apply
from applications.enums import DossierState, Opinion

from ..models import (
    AgendaItem,
    ItemConflict,
    ReservationResponse,
    SessionMember,
    Vote,
    VoteStatus,
)
from ..models.commission import Ballot

#: From the most favourable to the most cautious: a tie the chair's vote does not settle
#: goes to the most cautious of the tied opinions.
CAUTION = [
    Opinion.FAVORABLE,
    Opinion.FAVORABLE_NON_SUSPENSIVE,
    Opinion.FAVORABLE_SUSPENSIVE,
    Opinion.UNFAVORABLE,
]

#: The votes that need no comment; every other one is explained in the minutes.
COMMENT_OPTIONAL = frozenset({Ballot.FAVORABLE, Ballot.ABSTENTION})

#: The opinions that come with reservations (their text is drawn from the votes' comments).
WITH_RESERVATIONS = (Opinion.FAVORABLE_NON_SUSPENSIVE, Opinion.FAVORABLE_SUSPENSIVE)


def vote_opens_on(session) -> Date | None:
    """The first day the votes of `session` may open, or None when they may open now."""
    if settings.COMMISSION_VOTES_OPEN_EARLY or timezone.localdate() >= session.date:
        return None
    return session.date


def _member(item: AgendaItem, user) -> SessionMember | None:
    return SessionMember.objects.filter(session_id=item.session_id, user=user).first()


def _chair(item: AgendaItem, user) -> SessionMember:
    member = _member(item, user)
    if member is None or not member.is_chair:
        raise PermissionDenied(_("Seul le président de séance peut conduire le vote."))
    return member


def _locked(item: AgendaItem) -> AgendaItem:
    return AgendaItem.objects.select_for_update().select_related("dossier").get(pk=item.pk)


@transaction.atomic
def item_conflict_declare(*, item: AgendaItem, actor, details: str) -> ItemConflict:
    item = _locked(item)
    member = _member(item, actor)
    if member is None:
        raise PermissionDenied(_("Vous ne siégez pas à cette séance."))
    if item.vote_status == VoteStatus.CLOSED:
        raise ValidationError(_("Le vote sur ce point est clos."))
    if not details.strip():
        raise ValidationError({"details": _("Décrivez la nature du conflit d'intérêts.")})
    conflict, _created = ItemConflict.objects.get_or_create(
        item=item, member=member, defaults={"details": details.strip()}
    )
    Vote.objects.filter(item=item, member=member).delete()  # a conflicted member does not vote
    return conflict


@transaction.atomic
def vote_open(*, item: AgendaItem, actor) -> AgendaItem:
    item = _locked(item)
    _chair(item, actor)
    if item.dossier.state != DossierState.IN_COMMISSION:
        raise ValidationError(_("Ce dossier n'est pas en commission."))
    reopening = item.needs_new_round  # no quorum, or nothing but abstentions
    if item.vote_status != VoteStatus.NOT_OPENED and not reopening:
        raise ValidationError(_("Le vote sur ce point a déjà été ouvert."))
    if (day := vote_opens_on(item.session)) is not None:
        raise ValidationError(
            _("Le vote ne peut s'ouvrir qu'à partir du jour de la séance, le %(date)s.")
            % {"date": formats.date_format(day, "j F Y")}
        )
    if reopening:  # a new round, the previous one having given no opinion
        Vote.objects.filter(item=item).delete()
        item.quorum_reached, item.result, item.tally, item.closed_at = None, "", {}, None
    item.vote_status = VoteStatus.OPEN
    item.opened_at = timezone.now()
    item.save(
        update_fields=["vote_status", "opened_at", "quorum_reached", "result", "tally", "closed_at"]
    )
    return item


@transaction.atomic
def vote_cast(*, item: AgendaItem, actor, opinion: str, comment: str = "") -> Vote:
    """Cast or change one's vote (an opinion, or an abstention) while the vote is open."""
    item = _locked(item)
    member = _member(item, actor)
    if member is None:
        raise PermissionDenied(_("Vous ne siégez pas à cette séance."))
    if item.vote_status != VoteStatus.OPEN:
        raise ValidationError(_("Le vote sur ce point n'est pas ouvert."))
    if ItemConflict.objects.filter(item=item, member=member).exists():
        raise PermissionDenied(_("Vous avez déclaré un conflit d'intérêts : vous ne votez pas."))
    if not member.present:
        raise PermissionDenied(_("Vous êtes noté absent de la séance : vous ne votez pas."))
    if opinion not in Ballot.values:
        raise ValidationError({"opinion": _("Choisissez un avis ou l'abstention.")})
    comment = comment.strip()
    if opinion not in COMMENT_OPTIONAL and not comment:
        raise ValidationError(
            {
                "comment": _(
                    "Un commentaire est obligatoire, sauf pour un avis favorable ou une abstention."
                )
            }
        )
    try:
        with transaction.atomic():
            vote, _created = Vote.objects.update_or_create(
                item=item, member=member, defaults={"opinion": opinion, "comment": comment}
            )
    except IntegrityError:  # the same member voting twice at the same instant
        raise ValidationError(
            _("Votre vote vient d'être enregistré ; rechargez la page.")
        ) from None
    return vote


def vote_result(
    *,
    votes: list[Vote],
    eligible: int,
    quorum_ratio: Decimal,
    chair_member_id: int | None,
) -> tuple[bool, str, dict]:
    """(quorum reached, opinion, tally) of the `votes` cast by the `eligible` members (those
    without a conflict of interest).

    An abstention counts for the quorum, not for the majority: the quorum is more than
    `quorum_ratio` × `eligible` members having voted or abstained; the opinion is the one most
    expressed votes chose, a tie going to the chair's vote if it is among the tied opinions, else
    to the most cautious of them. With the quorum but no expressed vote (every voice an
    abstention) there is no opinion (""): the chair opens a new round. The tally counts every
    opinion voted and, under "abstention", the abstentions."""
    tally = Counter(v.opinion for v in votes)
    quorum = eligible > 0 and Decimal(len(votes)) > quorum_ratio * eligible
    expressed = {o: n for o, n in tally.items() if o != Ballot.ABSTENTION}
    if not quorum or not expressed:
        return quorum, "", dict(tally)
    best = max(expressed.values())
    leaders = [opinion for opinion, count in expressed.items() if count == best]
    if len(leaders) == 1:
        return True, leaders[0], dict(tally)
    chair_vote = next((v.opinion for v in votes if v.member_id == chair_member_id), None)
    if chair_vote in leaders:
        return True, chair_vote, dict(tally)
    return True, max(leaders, key=CAUTION.index), dict(tally)


@transaction.atomic
def vote_close(*, item: AgendaItem, actor) -> AgendaItem:
    item = _locked(item)
    chair = _chair(item, actor)
    if item.vote_status != VoteStatus.OPEN:
        raise ValidationError(_("Le vote sur ce point n'est pas ouvert."))
    conflicted = set(ItemConflict.objects.filter(item=item).values_list("member_id", flat=True))
    eligible = SessionMember.objects.filter(session_id=item.session_id).exclude(pk__in=conflicted)
    present = eligible.filter(present=True)
    votes = list(Vote.objects.filter(item=item, member__in=present))
    quorum, result, tally = vote_result(
        votes=votes,
        eligible=eligible.count(),
        quorum_ratio=item.session.quorum_ratio,
        chair_member_id=chair.pk,
    )
    item.vote_status = VoteStatus.CLOSED
    item.closed_at = timezone.now()
    item.quorum_reached = quorum
    item.result = result
    item.tally = tally
    item.save(update_fields=["vote_status", "closed_at", "quorum_reached", "result", "tally"])
    return item


def current_agenda_item(dossier) -> AgendaItem | None:
    return dossier.agenda_items.current()


def dossier_record_opinion(
    *, dossier, actor, opinion: str | None = None, reservations: str = "", comment: str = ""
):
    """The transition: record the opinion that came out of the commission's closed vote (the
    chair)."""
    # A vote where every voice abstained gives no opinion: the guard `vote_closed_with_quorum`
    # (applications/guards.py) refuses it before anything is written.
    item = current_agenda_item(dossier)
    result = item.result if item else ""
    if opinion is not None and result and opinion != result:
        raise TransitionInvalid(
            _("L'avis enregistré doit être celui issu du vote : « %(label)s ».")
            % {"label": Opinion(result).label}
        )
    return transition_apply(
        "record_opinion",
        dossier=dossier,
        actor=actor,
        comment=comment,
        opinion=result or opinion or "",
        reservations=reservations.strip(),
    )


def reservations_from_votes(item: AgendaItem) -> str:
    """A first draft of the reservations for the chair: the comments of the votes for an opinion
    with reservations, the result's own first, each once, without their authors' names."""
    votes = Vote.objects.filter(item=item, opinion__in=WITH_RESERVATIONS).exclude(
        member__conflicts__item=item
    )
    comments = sorted(
        (v.opinion != item.result, v.pk, v.comment.strip()) for v in votes if v.comment.strip()
    )
    return "\n\n".join(dict.fromkeys(comment for _first, _pk, comment in comments))


@transaction.atomic
def reservations_respond(*, dossier, actor, text: str) -> ReservationResponse:
    """The editor explains how the suspensive reservations were addressed."""
    if not r.dossier_editor.test(actor, dossier):
        raise PermissionDenied(_("Seul l'éditeur du dossier peut répondre aux réserves."))
    if dossier.state != DossierState.OPINION_RESERVED:
        raise ValidationError(_("Ce dossier n'a pas de réserves suspensives en attente."))
    if not text.strip():
        raise ValidationError({"text": _("Expliquez comment les réserves ont été levées.")})
    return ReservationResponse.objects.create(
        dossier=dossier, text=text.strip(), responded_by=actor
    )
