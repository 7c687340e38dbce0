"""The decisions app's event of the message fan-out (portal/notifications/messenger.py):
`decision_ready`, the decision's document can be downloaded — sent to the members of the editor's
organisation, pointing to the dossier's page (templates/notifications/decision_ready_*.txt)."""

from applications.domain.notifications import dossier_link, organisation_member_emails
from portal.notifications.messenger import register


def decision_ready_recipients(*, dossier, **_context) -> set[str]:
    return organisation_member_emails(dossier)


register("decision_ready", recipients=decision_ready_recipients, link=dossier_link)
