"""Dossiers in any state, brought there through the real services (so audit chains are real)."""

from datetime import timedelta
from pathlib import Path

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from applications.domain.applicability import applicable_domains, applicable_requirements
from applications.domain.documents import evidence_add
from applications.domain.dossiers import dossier_create
from applications.domain.questionnaire import answer_save
from applications.enums import DecisionOutcome, DossierState, Opinion
from applications.models import Dossier, Orientation, Service
from applications.referential.loader import load_referential
from catalogue.domain import publication
from catalogue.enums import CardState
from catalogue.models import Card
from reviews.domain.commission import current_agenda_item, vote_cast, vote_close, vote_open
from reviews.domain.evaluation import evaluation_sign, verdict_save
from reviews.models import Assignment, CommissionSession, SessionMember

from .people import OrganisationFactory, editor, expert, staff_user
from .stages import pass_stage_before

S = DossierState


SMALL_REFERENTIAL = Path(__file__).resolve().parent.parent / "fixtures" / "referential-small.yaml"

#: The smallest valid PDF a check on content accepts.
TINY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def small_referential():
    """The test referential (7 requirements over the five domains), loaded once per test DB."""
    return load_referential(SMALL_REFERENTIAL).version


class ServiceFactory(factory.django.DjangoModelFactory):
    """A service with an eligible orientation (users, care)."""

    class Meta:
        model = Service
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Service santé {n}")
    short_description = "Un service de test."

    @factory.post_generation
    def orientation(self, create, extracted, **kwargs):
        if create and extracted is not False:
            answers = {"targets_users": True, "purposes": ["care"], **kwargs}
            Orientation.objects.create(service=self, **answers)


def fill_questionnaire(dossier, actor):
    """Answer every applicable requirement « Conforme » with a PDF, as an editor would."""
    for requirement in applicable_requirements(dossier):
        answer_save(
            dossier=dossier,
            requirement=requirement,
            actor=actor,
            status="compliant",
            justification="",
            free_text="",
            expected_version=0,
        )
        if requirement.evidence_required:
            evidence_add(
                dossier=dossier,
                requirement=requirement,
                actor=actor,
                uploaded=SimpleUploadedFile("preuve.pdf", TINY_PDF, "application/pdf"),
            )
    return dossier


class Cast:
    """The people around one dossier: its editor, an instructor, experts, a session, ministry…"""

    def __init__(self, organisation):
        self.editor = editor(organisation)
        self.instructor = staff_user("instructor")
        self.experts = {}
        self.chair = staff_user("commission_member")
        self.member = staff_user("commission_member")
        self.ministry = staff_user("ministry")
        self.admin = staff_user("admin")
        self.session = CommissionSession.objects.create(
            title="Séance de test", date=timezone.localdate() + timedelta(days=7)
        )
        SessionMember.objects.create(session=self.session, user=self.chair, is_chair=True)
        SessionMember.objects.create(session=self.session, user=self.member)

    def assign_experts(self, dossier, *, declare=True):
        """One expert per applicable domain, who (by default) declares no conflict."""
        for domain in applicable_domains(dossier):
            person = expert(domain)
            self.experts[domain] = person
            Assignment.objects.create(
                dossier=dossier,
                expert=person,
                domain=domain,
                assigned_by=self.instructor,
                conflict_status="none" if declare else "pending",
            )

    def vote(self, dossier, opinion):
        """The chair opens the vote (before the session's day, which is a week ahead: as
        COMMISSION_VOTES_OPEN_EARLY allows), both members vote `opinion`, the chair closes it."""
        item = current_agenda_item(dossier)
        with override_settings(COMMISSION_VOTES_OPEN_EARLY=True):
            vote_open(item=item, actor=self.chair)
        for person in (self.chair, self.member):
            vote_cast(item=item, actor=person, opinion=opinion, comment="Motivé.")
        vote_close(item=item, actor=self.chair)
        return dossier

    def evaluate(self, dossier, verdict="compliant"):
        """Each expert gives `verdict` on every requirement of their domain, then signs."""
        for requirement in applicable_requirements(dossier):
            verdict_save(
                dossier=dossier,
                requirement=requirement,
                actor=self.experts[requirement.domain],
                verdict=verdict,
                comment="" if verdict == "compliant" else "À revoir.",
            )
        for domain, person in self.experts.items():
            evaluation_sign(
                dossier=dossier,
                domain=domain,
                actor=person,
                conclusion="favorable",
                synthesis="Dossier solide.",
            )
        return dossier


def _path(state):
    base = {
        S.DRAFT: [],
        S.SUBMITTED: ["submit"],
        S.INCOMPLETE: ["submit", "declare_incomplete"],
        S.UNDER_EVALUATION: ["submit", "assign", "start_evaluation"],
        S.WITHDRAWN: ["submit", "withdraw"],
    }
    if state in base:
        return base[state]
    evaluated = _path(S.UNDER_EVALUATION) + ["evaluate", "complete_evaluation"]
    in_commission = evaluated + ["schedule"]
    return {
        S.COMPLEMENTS_REQUESTED: _path(S.UNDER_EVALUATION) + ["request_complements"],
        S.EVALUATED: evaluated,
        S.IN_COMMISSION: in_commission,
        S.OPINION_FAVORABLE: in_commission + ["favorable"],
        S.OPINION_RESERVED: in_commission + ["reserved"],
        S.OPINION_UNFAVORABLE: in_commission + ["unfavorable"],
        S.REFERENCED: in_commission + ["favorable", "referenced"],
        S.REFUSED: in_commission + ["unfavorable", "refused"],
        S.PUBLISHED: in_commission + ["favorable", "referenced", "convention", "card", "publish"],
        S.SUSPENDED: in_commission
        + ["favorable", "referenced", "convention", "card", "publish", "suspend"],
        S.DEREFERENCED: in_commission
        + ["favorable", "referenced", "convention", "card", "publish", "dereference"],
    }[state]


def measure_fields(transition: str) -> dict:
    """What a person's `suspend`, `reinstate` or `dereference` needs besides its public motive
    (`comment`): the fields of its decision (decisions/domain/measures.py). The deadline is a
    month after today, whatever the frozen clock."""
    from django.utils import timezone

    return {
        "suspend": {
            "motives": "Le contrôle a constaté un hébergement des données hors HDS.",
            "remedy": "Héberger les données chez un hébergeur certifié HDS.",
            "remedy_deadline": timezone.localdate() + timedelta(days=30),
        },
        "reinstate": {"remedy_account": "Les données sont hébergées chez un hébergeur HDS."},
        "dereference": {"motives": "Le service a cessé son activité."},
    }[transition]


def dossier_in_state(
    state, *, organisation=None, requests_data_exchange=False, filled=True, stages=True
):
    """Return (dossier, cast) with the dossier brought to `state` by the real services.

    The questionnaire is filled in completely unless `filled=False` (then only drafts make sense).
    A data-exchange dossier has the test stage each transition needs passed unless `stages=False`
    (tests/factories/stages.py).
    """
    from applications.domain import transitions as t
    from decisions.domain.services import dossier_decide
    from reviews.domain.commission import dossier_record_opinion
    from reviews.domain.complements import dossier_request_complements
    from reviews.domain.report import dossier_complete_evaluation
    from reviews.domain.sessions import dossier_schedule

    small_referential()
    organisation = organisation or OrganisationFactory()
    cast = Cast(organisation)
    service = ServiceFactory(
        organisation=organisation,
        requests_data_exchange=requests_data_exchange,
        mes_apis=["measures"] if requests_data_exchange else [],
    )
    dossier = dossier_create(actor=cast.editor, service=service)
    if filled:
        fill_questionnaire(dossier, cast.editor)
    steps = {
        "submit": lambda d: t.dossier_submit(dossier=d, actor=cast.editor),
        "declare_incomplete": lambda d: t.dossier_declare_incomplete(
            dossier=d, actor=cast.instructor, comment="Pièce manquante."
        ),
        "assign": lambda d: cast.assign_experts(d) or d,
        "start_evaluation": lambda d: t.dossier_start_evaluation(dossier=d, actor=cast.instructor),
        "request_complements": lambda d: dossier_request_complements(
            dossier=d, actor=cast.instructor, comment="Précisez."
        ),
        "evaluate": lambda d: cast.evaluate(d),
        "complete_evaluation": lambda d: dossier_complete_evaluation(
            dossier=d, actor=cast.instructor
        ),
        "schedule": lambda d: dossier_schedule(
            dossier=d, actor=cast.instructor, session=cast.session
        ),
        "favorable": lambda d: dossier_record_opinion(
            dossier=cast.vote(d, Opinion.FAVORABLE), actor=cast.chair
        ),
        "reserved": lambda d: dossier_record_opinion(
            dossier=cast.vote(d, Opinion.FAVORABLE_SUSPENSIVE),
            actor=cast.chair,
            reservations="Attestation HDS à fournir.",
        ),
        "unfavorable": lambda d: dossier_record_opinion(
            dossier=cast.vote(d, Opinion.UNFAVORABLE), actor=cast.chair
        ),
        "referenced": lambda d: dossier_decide(
            dossier=d, actor=cast.ministry, outcome=DecisionOutcome.REFERENCED
        ),
        "refused": lambda d: dossier_decide(
            dossier=d,
            actor=cast.ministry,
            outcome=DecisionOutcome.REFUSED,
            motives="Exigences bloquantes de sécurité non satisfaites.",
        ),
        "convention": _sign_convention,
        "card": lambda d: _approve_card(d, cast),
        "publish": lambda d: publication.dossier_publish(dossier=d, actor=cast.admin),
        "suspend": lambda d: publication.dossier_suspend(
            dossier=d, actor=cast.admin, comment="Audit.", **measure_fields("suspend")
        ),
        "dereference": lambda d: publication.dossier_dereference(
            dossier=d, actor=cast.ministry, comment="Fin.", **measure_fields("dereference")
        ),
        "withdraw": lambda d: t.dossier_withdraw(dossier=d, actor=cast.editor),
    }
    for step in _path(state):
        if stages:  # a data-exchange dossier's test stage before the transition that needs it
            pass_stage_before(step, dossier, cast.instructor)
        dossier = steps[step](dossier)
    assert dossier.state == state
    return Dossier.objects.get(pk=dossier.pk), cast


def _approve_card(dossier, cast):
    """An approved public card, written directly (the card's own flow: tests/catalogue/)."""
    service = dossier.service
    Card.objects.create(
        service=service,
        version=1,
        state=CardState.APPROVED,
        name=service.name[:120],
        editor_public_name=service.organisation.name[:120],
        short_description="Un service numérique en santé référencé.",
        long_description=service.long_description or "Description du service.",
        themes=service.themes or ["prevention"],
        regions=service.regions or ["FR"],
        platforms=[{"platform": "web", "url": "https://service.example/"}],
        price_model=service.price_model or "free",
        accessibility="partial",
        accessibility_url="https://service.example/accessibilite",
        data_exchange=list(service.mes_apis),
        created_by=cast.editor,
        reviewed_by=cast.admin,
        reviewed_at=timezone.now(),
    )
    return dossier


def _sign_convention(dossier):
    Dossier.objects.filter(pk=dossier.pk).update(convention_signed_at=timezone.now())
    return Dossier.objects.get(pk=dossier.pk)


def renewed_referential(folder: Path):
    """A version « T2 » that supersedes the test referential, for renewals across a change:
    ETH-ACC-01's statement changed, RGPD-FIN-01 replaced by a new RGPD-FIN-02 (no evidence
    required), the others unchanged. Written to `folder` and loaded; the current version from
    then on."""
    text = SMALL_REFERENTIAL.read_text(encoding="utf-8")
    for old, new in (
        ('version: "T1"', 'version: "T2"\nsupersedes: "T1"'),
        ('title: "Référentiel de test"', 'title: "Référentiel de test, deuxième version"'),
        ("published_on: 2020-01-01", "published_on: 2021-01-01"),
        (
            'statement: "Une déclaration d\'accessibilité est publiée."',
            'statement: "Une déclaration d\'accessibilité à jour est publiée sur le service."',
        ),
        ("code: RGPD-FIN-01", "code: RGPD-FIN-02"),
        ('title: "Registre des traitements"', 'title: "Information des personnes"'),
        (
            'statement: "Le registre des traitements est tenu."',
            'statement: "Les personnes sont informées de chaque finalité."',
        ),
        (
            'evidence: {required: true, kinds: [document], description: "Extrait du registre"}',
            'evidence: {required: false, kinds: [document], description: ""}',
        ),
    ):
        assert old in text, old
        text = text.replace(old, new, 1)
    path = Path(folder) / "referential-renewed.yaml"
    path.write_text(text, encoding="utf-8")
    return load_referential(path).version
