"""The team's side of a dossier's history, kept by this app: the experts' verdicts, the
assignments and the commission's votes (votes only once the vote is closed). Shown to the team
only, with the editor's side, by `applications.domain.history.dossier_changes`, which this app
feeds through `TEAM_CHANGES` (reviews/apps.py). Three queries, whatever the number of changes."""

from django.utils.translation import gettext as _

from applications.domain.history import Change, history_changes, history_ordered

from ..models import Assignment, Verdict, Vote, VoteStatus

VERDICT_FIELDS = ("verdict", "comment", "expert")
ASSIGNMENT_FIELDS = ("expert", "due_on", "conflict_status", "released_at")
VOTE_FIELDS = ("opinion", "comment")


def team_changes(*, dossier) -> list[Change]:
    changes = history_changes(
        history_ordered(
            Verdict.history.filter(dossier_id=dossier.pk).select_related("requirement", "expert")
        ),
        VERDICT_FIELDS,
        lambda rec: _("Avis d'expert sur l'exigence %(code)s") % {"code": rec.requirement.code},
        team_only=True,
    )
    changes += history_changes(
        history_ordered(Assignment.history.filter(dossier_id=dossier.pk).select_related("expert")),
        ASSIGNMENT_FIELDS,
        lambda rec: (
            _("Affectation — domaine « %(domain)s »") % {"domain": rec.get_domain_display()}
        ),
        team_only=True,
    )
    changes += history_changes(
        history_ordered(
            Vote.history.filter(
                item__dossier_id=dossier.pk, item__vote_status=VoteStatus.CLOSED
            ).select_related("member__user")
        ),
        VOTE_FIELDS,
        lambda rec: _("Vote de %(member)s") % {"member": rec.member.user},
        team_only=True,
    )
    return changes
