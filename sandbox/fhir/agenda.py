"""An appointment for the agenda: one `Appointment`, profile FR Core Appointment (FR Core 2.0.1)
as the ANS guide « Gestion d'Agendas Partagés » (ans.fhir.fr.gap) **3.0.0** takes it
(GAP_FrAppointment adds no constraint to it).

Checked: a status from the R4 value set; at least one participant, each with its actor and
its status (R4 value set); start and end together, and both present unless the appointment is
proposed, cancelled or on a waiting list (R4 invariants app-2 and app-3); a declared profile,
when there is one, among GAP's and FR Core's. Success: 201 and the created resource.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from .access import as_dict, as_list, canonical, designates, profiles, text
from .outcome import Findings, IssueType, Verdict, Wording, created, merged, path, refused
from .parsing import NotAResource, load_resource, r4_only_issues, structure_issues

GUIDE = "ans.fhir.fr.gap"
GUIDE_VERSION = "3.0.0"
CASE = "agenda.appointment"
TYPE = "Appointment"
PROFILES = (
    "https://interop.esante.gouv.fr/ig/fhir/gap/StructureDefinition/gap-fr-appointment",
    "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-appointment",
)
#: http://hl7.org/fhir/R4/valueset-appointmentstatus.html
STATUSES = (
    "proposed",
    "pending",
    "booked",
    "arrived",
    "fulfilled",
    "cancelled",
    "noshow",
    "entered-in-error",
    "checked-in",
    "waitlist",
)
#: app-3: only these may have no start and end.
UNSCHEDULED = ("proposed", "cancelled", "waitlist")
#: http://hl7.org/fhir/R4/valueset-participationstatus.html
PARTICIPANT_STATUSES = ("accepted", "declined", "tentative", "needs-action")


def validate_appointment(
    data: Any, *, now: datetime | None = None, new_id: Callable[[], str] | None = None
) -> Verdict:
    """Check an Appointment (raw body or decoded JSON) and say what the server answers."""
    try:
        appointment = load_resource(data, TYPE)
    except NotAResource as error:
        return refused([error.issue], case=CASE, status=400)
    issues = merged(
        appointment_issues(appointment),
        r4_only_issues(appointment, TYPE) + structure_issues(appointment),
    )
    if issues:
        return refused(issues, case=CASE)
    return created(appointment, case=CASE, now=now, new_id=new_id)


def appointment_issues(appointment: dict[str, Any]) -> Findings:
    found = Findings()
    declared = profiles(appointment)
    if declared and not any(canonical(url) in PROFILES for url in declared):
        found.fail(
            "appointment.profile",
            IssueType.INVALID,
            path(TYPE, "meta", "profile"),
            _("Le profil déclaré n'est pas celui d'un rendez-vous FR Core ou GAP."),
            expected=PROFILES,
            found=declared,
        )
    status = appointment.get("status")
    if status not in STATUSES:
        found.fail(
            "appointment.status",
            IssueType.REQUIRED if status is None else IssueType.CODE_INVALID,
            path(TYPE, "status"),
            _("Le statut du rendez-vous est obligatoire et pris dans le jeu de valeurs FHIR R4."),
            expected=STATUSES,
            found=status,
        )
    participants = as_list(appointment.get("participant"))
    if not participants:
        found.fail(
            "appointment.participant",
            IssueType.REQUIRED,
            path(TYPE, "participant"),
            _("Un rendez-vous a au moins un participant."),
            expected=Wording(_("au moins un participant")),
            found=None,
        )
    for position, participant in enumerate(participants):
        where = path(TYPE, "participant", position)
        participant = as_dict(participant)
        if not designates(participant.get("actor")):
            found.fail(
                "appointment.participant-actor",
                IssueType.REQUIRED,
                path(where, "actor"),
                _("Chaque participant désigne la personne ou la ressource concernée (actor)."),
                expected=Wording(_("une référence ou un identifiant")),
                found=None,
            )
        if participant.get("status") not in PARTICIPANT_STATUSES:
            found.fail(
                "appointment.participant-status",
                IssueType.REQUIRED if participant.get("status") is None else IssueType.CODE_INVALID,
                path(where, "status"),
                _("Chaque participant a un statut pris dans le jeu de valeurs FHIR R4."),
                expected=PARTICIPANT_STATUSES,
                found=participant.get("status"),
            )
    start, end = text(appointment.get("start")), text(appointment.get("end"))
    if bool(start) != bool(end):
        missing = "end" if start else "start"
        found.fail(
            "appointment.period",
            IssueType.REQUIRED,
            path(TYPE, missing),
            _("Le début et la fin d'un rendez-vous se donnent ensemble (start et end)."),
            expected=Wording(_("start et end")),
            found=None,
        )
    elif not start and status in STATUSES and status not in UNSCHEDULED:
        found.fail(
            "appointment.period",
            IssueType.REQUIRED,
            path(TYPE, "start"),
            _("Un rendez-vous « %(status)s » a un début et une fin (start et end).")
            % {"status": status},
            expected=Wording(_("start et end")),
            found=None,
        )
    return found
