"""Demo data: people for every role and dossiers in every state, made through the same services a
person would use, so that their timelines and audit chains are real."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from applications.domain import transitions as t
from applications.domain.applicability import applicable_domains
from applications.domain.dossiers import dossier_create
from applications.enums import DecisionOutcome, Domain, DossierState, Opinion
from applications.models import Dossier, Orientation, Service
from catalogue.domain import publication
from catalogue.models import Listing
from decisions.domain.services import dossier_decide
from portal.accounts.models import ExpertScope
from portal.accounts.roles import Role
from portal.organisations.models import Membership, Organisation
from reviews.domain.assignments import assignment_create, assignment_declare
from reviews.domain.commission import (
    current_agenda_item,
    dossier_record_opinion,
    item_conflict_declare,
    vote_cast,
    vote_close,
    vote_open,
)
from reviews.domain.complements import dossier_request_complements
from reviews.domain.report import dossier_complete_evaluation
from reviews.domain.sessions import (
    commission_session_create,
    dossier_schedule,
    session_attendance_record,
)
from reviews.models import CommissionSession
from sandbox.domain.stages import stage_pass_before_transition

from .catalogue import DEMO_CATALOGUE, demo_card
from .content import (
    demo_evaluate,
    demo_fill_questionnaire,
    demo_orientation,
    demo_service_fields,
    load_demo_referentials,
)

DEMO_PASSWORD = "demo-referencement-2026"
#: Base32 TOTP secret shared by the staff demo accounts (documented in the README).
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

S = DossierState

DEMO_PEOPLE = [
    # e-mail, first name, last name, roles, expert domains
    ("editor-a@demo.test", "Alice", "Martin", [Role.EDITOR], []),
    ("editor-b@demo.test", "Bruno", "Petit", [Role.EDITOR], []),
    ("instructor@demo.test", "Inès", "Durand", [Role.INSTRUCTOR], []),
    ("expert-doctrine@demo.test", "Damien", "Leroy", [Role.EXPERT], [Domain.DOCTRINE]),
    ("expert-ethics@demo.test", "Élise", "Moreau", [Role.EXPERT], [Domain.ETHICS]),
    ("expert-rgpd@demo.test", "Romain", "Simon", [Role.EXPERT], [Domain.RGPD]),
    (
        "expert-data-exchange@demo.test",
        "Sophie",
        "Laurent",
        [Role.EXPERT],
        [Domain.DATA_EXCHANGE_SECURITY, Domain.DATA_EXCHANGE_RGPD],
    ),
    ("commission-chair@demo.test", "Claire", "Lefebvre", [Role.COMMISSION_MEMBER], []),
    ("commission-member-1@demo.test", "Marc", "Roux", [Role.COMMISSION_MEMBER], []),
    ("commission-member-2@demo.test", "Nadia", "Fournier", [Role.COMMISSION_MEMBER], []),
    ("ministry@demo.test", "Michel", "Girard", [Role.MINISTRY], []),
    ("admin@demo.test", "Anne", "Bonnet", [Role.ADMIN], []),
]

DEMO_ORGANISATIONS = [
    (
        "editor-a@demo.test",
        "Santé Connectée SAS",
        "812345676",
        "12 rue de la Paix",
        "75002",
        "Paris",
    ),
    (
        "editor-b@demo.test",
        "Bien-Être Numérique SARL",
        "843219874",
        "3 quai Saint-Antoine",
        "69002",
        "Lyon",
    ),
]

#: The path that leads a dossier from draft to each state.
PATHS = {
    S.DRAFT: [],
    S.SUBMITTED: ["submit"],
    S.INCOMPLETE: ["submit", "declare_incomplete"],
    S.UNDER_EVALUATION: ["submit", "assign", "start_evaluation"],
    S.COMPLEMENTS_REQUESTED: ["submit", "assign", "start_evaluation", "request_complements"],
    S.EVALUATED: ["submit", "assign", "start_evaluation", "evaluate", "complete_evaluation"],
}
# The dossier in commission waits on the upcoming session; those with an opinion went through the
# past session, whose votes are all closed (its minutes can be downloaded).
PATHS[S.IN_COMMISSION] = PATHS[S.EVALUATED] + ["schedule"]
PATHS[S.OPINION_FAVORABLE] = PATHS[S.EVALUATED] + ["schedule_past", "opinion_favorable"]
PATHS[S.OPINION_RESERVED] = PATHS[S.EVALUATED] + ["schedule_past", "opinion_reserved"]
PATHS[S.OPINION_UNFAVORABLE] = PATHS[S.EVALUATED] + ["schedule_past", "opinion_unfavorable"]
PATHS[S.REFERENCED] = PATHS[S.OPINION_FAVORABLE] + ["decide_referenced"]
PATHS[S.REFUSED] = PATHS[S.OPINION_UNFAVORABLE] + ["decide_refused"]
PATHS[S.PUBLISHED] = PATHS[S.REFERENCED] + ["convention", "card", "publish"]
PATHS[S.SUSPENDED] = PATHS[S.PUBLISHED] + ["suspend"]
PATHS[S.DEREFERENCED] = PATHS[S.PUBLISHED] + ["dereference"]
PATHS[S.WITHDRAWN] = ["submit", "withdraw"]

DEMO_SERVICE_NAMES = {
    S.DRAFT: "CardioSuivi",
    S.SUBMITTED: "DiabèteFacile",
    S.INCOMPLETE: "AllergoScope",
    S.UNDER_EVALUATION: "SommeilPlus",
    S.COMPLEMENTS_REQUESTED: "TensioNote",
    S.EVALUATED: "GrossesseSereine",
    S.IN_COMMISSION: "AsthmeContrôle",
    S.OPINION_FAVORABLE: "VaccinRappel",
    S.OPINION_RESERVED: "NutriSanté",
    S.OPINION_UNFAVORABLE: "MigraineJournal",
    S.REFERENCED: "PasÀPas",
    S.REFUSED: "ZenStress",
    S.PUBLISHED: "MonCarnetBébé",
    S.SUSPENDED: "DosSansDouleur",
    S.DEREFERENCED: "AudioTest",
    S.WITHDRAWN: "ChronoMédoc",
}


def seed_users() -> dict[str, object]:
    User = get_user_model()
    people = {}
    for email, first, last, roles, domains in DEMO_PEOPLE:
        user, created = User.objects.get_or_create(
            email=email,
            # Administrators open the admin too (with the administrateur role's permissions).
            defaults={"first_name": first, "last_name": last, "is_staff": Role.ADMIN in roles},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        for role in roles:
            user.groups.add(Group.objects.get_or_create(name=role)[0])
        for domain in domains:
            ExpertScope.objects.get_or_create(expert=user, domain=domain)
        if (
            user.must_use_mfa
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            TOTP.activate(user, DEMO_TOTP_SECRET)
        people[email] = user
    return people


def seed_organisations(people) -> list[Organisation]:
    organisations = []
    for owner, name, siren, street, postal_code, city in DEMO_ORGANISATIONS:
        organisation, _created = Organisation.objects.get_or_create(
            siren=siren,
            defaults={"name": name, "street": street, "postal_code": postal_code, "city": city},
        )
        Membership.objects.get_or_create(organisation=organisation, user=people[owner])
        organisations.append(organisation)
    return organisations


COMMISSION = [
    "commission-chair@demo.test",
    "commission-member-1@demo.test",
    "commission-member-2@demo.test",
]
UPCOMING_SESSION_TITLE = "Commission de référencement — séance de démonstration"
PAST_SESSION_TITLE = "Commission de référencement — séance passée (démonstration)"


def _demo_session(people, title, day) -> CommissionSession:
    """A session of the three demo members, the chair presiding, everyone present; made by the
    instructor through the service, attendance recorded by the chair."""
    session = CommissionSession.objects.filter(title=title).first()
    if session is not None:
        return session
    members = [people[email] for email in COMMISSION]
    session = commission_session_create(
        actor=people["instructor@demo.test"],
        title=title,
        date=day,
        members=members,
        chair=members[0],
    )
    session_attendance_record(
        session=session,
        actor=members[0],
        present_member_ids=session.members.values_list("pk", flat=True),
    )
    return session


def seed_sessions(people) -> dict[str, CommissionSession]:
    today = timezone.localdate()
    return {
        "upcoming": _demo_session(people, UPCOMING_SESSION_TITLE, today + timedelta(days=14)),
        "past": _demo_session(people, PAST_SESSION_TITLE, today - timedelta(days=21)),
    }


def experts_by_domain(people) -> dict[str, object]:
    return {
        scope.domain: scope.expert
        for scope in ExpertScope.objects.filter(expert__in=people.values()).select_related("expert")
    }


#: Per opinion, the demo votes (chair, member 1, member 2): None for a member who declares a
#: conflict of interest instead. The majority gives the opinion.
DEMO_VOTES = {
    Opinion.FAVORABLE: [Opinion.FAVORABLE, Opinion.FAVORABLE_NON_SUSPENSIVE, Opinion.FAVORABLE],
    Opinion.FAVORABLE_SUSPENSIVE: [Opinion.FAVORABLE_SUSPENSIVE] * 3,
    Opinion.UNFAVORABLE: [Opinion.UNFAVORABLE, Opinion.UNFAVORABLE, None],
}
DEMO_COMMENTS = {
    Opinion.FAVORABLE_NON_SUSPENSIVE: "Politique de confidentialité à simplifier.",
    Opinion.FAVORABLE_SUSPENSIVE: "L'attestation d'hébergement HDS fournie est périmée.",
    Opinion.UNFAVORABLE: "Exigences bloquantes de sécurité non satisfaites.",
}


def demo_vote(dossier, people, opinion):
    """The chair opens the vote, the members vote (or declare a conflict), the chair closes it."""
    item = current_agenda_item(dossier)
    chair = people[COMMISSION[0]]
    vote_open(item=item, actor=chair)
    for email, choice in zip(COMMISSION, DEMO_VOTES[opinion], strict=True):
        if choice is None:
            item_conflict_declare(
                item=item,
                actor=people[email],
                details="Mission de conseil auprès de l'éditeur il y a moins de trois ans.",
            )
            continue
        vote_cast(
            item=item, actor=people[email], opinion=choice, comment=DEMO_COMMENTS.get(choice, "")
        )
    vote_close(item=item, actor=chair)
    return dossier


def run_step(step, dossier, people, sessions):
    instructor = people["instructor@demo.test"]
    editor = dossier.created_by
    chair = people["commission-chair@demo.test"]
    ministry = people["ministry@demo.test"]
    admin = people["admin@demo.test"]
    if step == "assign":
        experts = experts_by_domain(people)
        for domain in applicable_domains(dossier):
            assignment = assignment_create(
                dossier=dossier,
                domain=domain,
                expert=experts[domain],
                actor=instructor,
                due_on=timezone.localdate() + timedelta(days=21),
            )
            assignment_declare(assignment=assignment, actor=experts[domain], conflict=False)
        return dossier
    if step == "evaluate":
        return demo_evaluate(dossier, experts_by_domain(people))
    # A data-exchange dossier's test stage, validated before the transition that needs it.
    stage_pass_before_transition(
        transition=step.removesuffix("_past"), dossier=dossier, actor=instructor
    )
    if step == "convention":
        Dossier.objects.filter(pk=dossier.pk).update(convention_signed_at=timezone.now())
        dossier.refresh_from_db()
        return dossier
    steps = {
        "submit": lambda: t.dossier_submit(dossier=dossier, actor=editor),
        "declare_incomplete": lambda: t.dossier_declare_incomplete(
            dossier=dossier,
            actor=instructor,
            comment="L'analyse d'impact (AIPD) n'est pas jointe au dossier.",
        ),
        "start_evaluation": lambda: t.dossier_start_evaluation(dossier=dossier, actor=instructor),
        "request_complements": lambda: dossier_request_complements(
            dossier=dossier,
            actor=instructor,
            comment="Merci de préciser la durée de conservation des données de mesure.",
        ),
        "complete_evaluation": lambda: dossier_complete_evaluation(
            dossier=dossier, actor=instructor
        ),
        "schedule": lambda: dossier_schedule(
            dossier=dossier, actor=instructor, session=sessions["upcoming"]
        ),
        "schedule_past": lambda: dossier_schedule(
            dossier=dossier, actor=instructor, session=sessions["past"]
        ),
        "opinion_favorable": lambda: dossier_record_opinion(
            dossier=demo_vote(dossier, people, Opinion.FAVORABLE), actor=chair
        ),
        "opinion_reserved": lambda: dossier_record_opinion(
            dossier=demo_vote(dossier, people, Opinion.FAVORABLE_SUSPENSIVE),
            actor=chair,
            reservations="Fournir l'attestation d'hébergement HDS à jour.",
        ),
        "opinion_unfavorable": lambda: dossier_record_opinion(
            dossier=demo_vote(dossier, people, Opinion.UNFAVORABLE),
            actor=chair,
            comment="Exigences bloquantes de sécurité non satisfaites.",
        ),
        "decide_referenced": lambda: dossier_decide(
            dossier=dossier, actor=ministry, outcome=DecisionOutcome.REFERENCED
        ),
        "decide_refused": lambda: dossier_decide(
            dossier=dossier,
            actor=ministry,
            outcome=DecisionOutcome.REFUSED,
            motives="Les exigences bloquantes de sécurité (hébergement HDS, analyse de risques) "
            "ne sont pas satisfaites.",
            comment="Conformément à l'avis défavorable de la commission.",
        ),
        "card": lambda: demo_card(dossier, editor=editor, admin=admin),
        "publish": lambda: publication.dossier_publish(dossier=dossier, actor=admin),
        "suspend": lambda: publication.dossier_suspend(
            dossier=dossier,
            actor=admin,
            comment="Signalements d'usagers en cours d'analyse.",
            motives="Plusieurs signalements d'usagers font état de données de santé envoyées "
            "à un outil de mesure d'audience tiers, ce que le référentiel interdit.",
            remedy="Retirer l'outil de mesure d'audience des pages qui affichent des données "
            "de santé et transmettre le rapport d'audit des traceurs.",
            remedy_deadline=timezone.localdate() + timedelta(days=30),
        ),
        "dereference": lambda: publication.dossier_dereference(
            dossier=dossier,
            actor=ministry,
            comment="Le service a cessé son activité.",
            motives="L'éditeur a informé l'administration de l'arrêt définitif du service.",
        ),
        "withdraw": lambda: t.dossier_withdraw(
            dossier=dossier, actor=editor, comment="Nous retirons notre candidature."
        ),
    }
    return steps[step]()


@transaction.atomic
def seed_demo(*, catalogue: int | None = None) -> dict:
    """Everything the demo shows; `catalogue`: how many of DEMO_CATALOGUE's services to publish
    (all by default; tests that do not look at the catalogue ask for fewer)."""
    load_demo_referentials()
    people = seed_users()
    organisations = seed_organisations(people)
    sessions = seed_sessions(people)
    created = 0
    for index, (state, name) in enumerate(DEMO_SERVICE_NAMES.items()):
        organisation = organisations[index % 2]
        owner = people[DEMO_ORGANISATIONS[index % 2][0]]
        service, _new = Service.objects.get_or_create(
            organisation=organisation, name=name, defaults=demo_service_fields(index, name)
        )
        if service.dossiers.exists():
            continue
        demo_orientation(service, index, owner)
        dossier = dossier_create(actor=owner, service=service)
        demo_fill_questionnaire(dossier, owner, complete=state != S.DRAFT)
        for step in PATHS[state]:
            dossier = run_step(step, dossier, people, sessions)
        assert dossier.state == state, (dossier.state, state)
        created += 1
    created += seed_catalogue(organisations, people, sessions, DEMO_CATALOGUE[:catalogue])
    seed_ineligible_service(organisations[0], people[DEMO_ORGANISATIONS[0][0]])
    return {
        "people": people,
        "organisations": organisations,
        "dossiers_created": created,
        "published": Listing.objects.filter(listed=True).count(),
    }


def seed_catalogue(organisations, people, sessions, services) -> int:
    """The other published services of the demo catalogue, each through the whole workflow."""
    created = 0
    offset = len(DEMO_SERVICE_NAMES)
    for index, details in enumerate(services, start=offset):
        name, short, themes, regions, price, _platforms = details
        organisation = organisations[index % 2]
        owner = people[DEMO_ORGANISATIONS[index % 2][0]]
        fields = demo_service_fields(index, name) | {
            "short_description": short,
            "themes": themes,
            "regions": regions,
            "price_model": price,
        }
        service, _new = Service.objects.get_or_create(
            organisation=organisation, name=name, defaults=fields
        )
        if service.dossiers.exists():
            continue
        demo_orientation(service, index, owner)
        dossier = dossier_create(actor=owner, service=service)
        demo_fill_questionnaire(dossier, owner, complete=True)
        for step in PATHS[S.REFERENCED] + ["convention"]:
            dossier = run_step(step, dossier, people, sessions)
        demo_card(dossier, editor=owner, admin=people["admin@demo.test"], details=details)
        dossier = run_step("publish", dossier, people, sessions)
        assert dossier.state == S.PUBLISHED
        created += 1
    return created


def seed_ineligible_service(organisation, owner) -> None:
    """A service that is not for users' health: its orientation verdict says why."""
    service, created = Service.objects.get_or_create(
        organisation=organisation,
        name="GestionCabinet",
        defaults={"short_description": "Logiciel de gestion administrative pour les cabinets."},
    )
    if created:
        Orientation.objects.create(
            service=service, targets_users=False, purposes=[], updated_by=owner
        )
