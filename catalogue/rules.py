"""Who may do what in the catalogue: django-rules predicates, named once, used by the services
(catalogue/domain/), the views and the templates alike. Every predicate answers False for a
missing object.

- Cards: the editor of a card is an editor member of the service's organisation; the
  administration (role `admin`) reviews. A card is seen by its editors and by the
  administration; anyone else gets a 404, never another organisation's card.
- Reports from the public and the controls they open: the instruction team (role `instructor`)
  triages and controls; the ministry and the administration read them; an editor sees a report
  on its organisation's service once it was sent to it, and answers it while it awaits the
  answer (never the reporter's address).
- The dossier's `suspend` (carried out by catalogue/domain/publication.py): the administration,
  or the portal itself — the daily expiry task, whose audit row has no actor (`is_system`).
"""

import rules

from applications.rules import transition_permission, user_organisation_ids
from portal.accounts.rules import is_admin, is_editor, is_instructor, is_ministry

from .enums import EDITABLE_CARD_STATES, CardState, ControlState, ReportState


@rules.predicate
def is_service_organisation_member(user, service):
    if service is None or not user.is_authenticated:
        return False
    return service.organisation_id in user_organisation_ids(user)


@rules.predicate
def is_card_organisation_member(user, card):
    if card is None or not user.is_authenticated:
        return False
    return card.service.organisation_id in user_organisation_ids(user)


@rules.predicate
def is_card_editable(user, card):
    return card is not None and card.state in EDITABLE_CARD_STATES


@rules.predicate
def is_card_in_review(user, card):
    return card is not None and card.state == CardState.IN_REVIEW


#: The service's editors (object: the service).
service_card_editor = is_editor & is_service_organisation_member
#: The card's editors (object: the card).
card_editor = is_editor & is_card_organisation_member

can_open_card = service_card_editor
can_view_service_cards = service_card_editor | is_admin
can_view_card = card_editor | is_admin
can_update_card = card_editor & is_card_editable
can_submit_card = card_editor & is_card_editable
can_review_card = is_admin & is_card_in_review
can_see_review_queue = is_admin

for _name, _predicate in {
    "open_card": can_open_card,
    "read_service_cards": can_view_service_cards,
    "read_card": can_view_card,
    "update_card": can_update_card,
    "submit_card": can_submit_card,
    "review_card": can_review_card,
    "see_card_review_queue": can_see_review_queue,
}.items():
    # Not Django's model permission names (`view_card`…), which the admin reads.
    rules.add_perm(f"catalogue.{_name}", _predicate)


# -- the dossier's suspension ------------------------------------------------------------------


@rules.predicate
def is_system(user):
    """The portal itself, acting without a person (a scheduled task): no actor at all. Views
    always pass `request.user` (an anonymous user at worst), never None."""
    return user is None


can_suspend = is_admin | is_system
# The suspension's service lives here (catalogue/domain/publication.py): this app names who may
# carry it out, replacing applications/rules.py's `is_admin` alone.
rules.set_perm(transition_permission("suspend"), can_suspend)


# -- reports and controls ----------------------------------------------------------------------


@rules.predicate
def is_report_organisation_member(user, report):
    if report is None or user is None or not user.is_authenticated:
        return False
    return report.listing.service.organisation_id in user_organisation_ids(user)


@rules.predicate
def is_report_sent_to_editor(user, report):
    return report is not None and report.sent_to_editor_at is not None


def _report_in(*states):
    @rules.predicate(name=f"report_in_{'_'.join(states)}")
    def predicate(user, report):
        return report is not None and report.state in states

    return predicate


@rules.predicate
def is_control_open(user, control):
    return control is not None and control.state == ControlState.OPEN


#: Who reads every report and control: the instruction team, the ministry, the administration.
report_staff = is_instructor | is_ministry | is_admin
#: Who triages reports and carries out controls.
report_triager = is_instructor
#: The editors of the reported service, once the report was sent to them.
report_editor = is_editor & is_report_organisation_member & is_report_sent_to_editor

can_see_reports = report_staff | is_editor
can_view_report = report_staff | report_editor
can_see_reporter_email = report_staff
can_mark_report_unfounded = report_triager & _report_in(ReportState.NEW, ReportState.ANSWERED)
can_send_report_to_editor = report_triager & _report_in(ReportState.NEW)
can_open_control = report_triager & _report_in(
    ReportState.NEW, ReportState.AWAITING_EDITOR, ReportState.ANSWERED
)
can_answer_report = report_editor & _report_in(ReportState.AWAITING_EDITOR)
can_view_control = report_staff
can_record_finding = report_triager & is_control_open
can_conclude_control = report_triager & is_control_open

for _name, _predicate in {
    "see_reports": can_see_reports,
    "read_report": can_view_report,
    "mark_report_unfounded": can_mark_report_unfounded,
    "send_report_to_editor": can_send_report_to_editor,
    "open_control": can_open_control,
    "answer_report": can_answer_report,
    "read_control": can_view_control,
    "record_finding": can_record_finding,
    "conclude_control": can_conclude_control,
}.items():
    rules.add_perm(f"catalogue.{_name}", _predicate)
