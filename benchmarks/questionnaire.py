"""The questionnaire of a complete dossier on the 2023 referential: server time and query count of
the largest domain's page (its requirements collapsed), of one requirement opened (the fragment
the page loads with htmx) and of one autosave (htmx), against the bare health view.

Targets (issue « benchmarks/ … questionnaire »): page p95 ≤ 200 ms and ≤ 20 queries whatever the
number of requirements; autosave p95 ≤ 50 ms.
"""

from collections import Counter
from collections.abc import Iterator

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from applications.domain.applicability import applicable_requirements
from applications.domain.documents import evidence_add
from applications.domain.dossiers import dossier_create
from applications.domain.questionnaire import answer_save
from applications.enums import AnswerStatus
from applications.models import Dossier, Orientation, Service
from applications.referential.loader import load_referential
from portal.accounts.models import User
from portal.organisations.models import Membership, Organisation

from .harness import Case, Context, Metric, baseline_case, count_queries, expect_status, ratio

REFERENTIAL_DIR = settings.BASE_DIR / "referential"
REFERENTIAL = "2023"

PAGE_P95_MS = 200
PAGE_MAX_QUERIES = 20
AUTOSAVE_P95_MS = 50
#: Not in the issue: an autosave's queries must not grow with the dossier either.
AUTOSAVE_MAX_QUERIES = 20
#: Not in the issue either: opening a requirement reads that requirement only.
FRAGMENT_MAX_QUERIES = 12
#: Every requirement of 2023 applies to the service built here (160 today).
MIN_REQUIREMENTS = 150

#: The smallest PDF the content check accepts (the same as tests/factories/dossiers.py).
TINY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FREE_TEXT = (
    "Le service applique cette exigence depuis sa première version ; la procédure interne "
    "correspondante est revue chaque année par le délégué à la protection des données et par "
    "le responsable de la sécurité des systèmes d'information."
)


def build_dossier(ctx: Context) -> tuple[User, Dossier]:
    """A draft dossier on 2023 whose every requirement is answered, with evidence where asked.

    Built through the real services, as an editor would, on a service whose orientation makes
    every requirement apply."""
    for code in ("2022", REFERENTIAL):
        load_referential(REFERENTIAL_DIR / f"{code}.yaml")
    organisation = Organisation.objects.create(
        name="Santé Mesurée SAS",
        siren="732829320",
        street="1 rue de la République",
        postal_code="75001",
        city="Paris",
    )
    editor = User.objects.create_user(
        email="editeur@bench.test", password="mot-de-passe-du-benchmark", first_name="Camille"
    )
    editor.groups.add(Group.objects.get_or_create(name="editor")[0])
    EmailAddress.objects.create(user=editor, email=editor.email, verified=True, primary=True)
    Membership.objects.create(organisation=organisation, user=editor)
    service = Service.objects.create(
        organisation=organisation,
        name="Carnet de mesures connecté",
        short_description="Un service qui coche toutes les cases de l'orientation.",
        ios_url="https://apps.apple.com/fr/app/x/id1",
        price_model="paid",
        has_connected_devices=True,
        connected_devices="Tensiomètre",
        is_medical_device=True,
        medical_device_class="IIa",
        requests_data_exchange=True,
        mes_apis=["measures"],
    )
    Orientation.objects.create(
        service=service,
        targets_users=True,
        purposes=["care"],
        uses_ai=True,
        stores_health_data=True,
        has_professional_users=True,
        publishes_health_content=True,
    )
    dossier = dossier_create(actor=editor, service=service)
    if dossier.referential_version.code != REFERENTIAL:
        raise AssertionError(
            f"dossier sur {dossier.referential_version.code}, {REFERENTIAL} attendu"
        )
    with_files = 0
    for requirement in applicable_requirements(dossier):
        answer_save(
            dossier=dossier,
            requirement=requirement,
            actor=editor,
            status=AnswerStatus.COMPLIANT,
            justification="",
            free_text=FREE_TEXT,
            expected_version=0,
        )
        if requirement.evidence_required:
            evidence_add(
                dossier=dossier,
                requirement=requirement,
                actor=editor,
                uploaded=SimpleUploadedFile("preuve.pdf", TINY_PDF, "application/pdf"),
            )
            with_files += 1
    answered = dossier.answers.exclude(status="").count()
    ctx.log(
        f"questionnaire : {answered} exigences du référentiel {REFERENTIAL} répondues, "
        f"{with_files} avec une pièce justificative"
    )
    return editor, Dossier.objects.get(pk=dossier.pk)


class Autosave:
    """One answer saved over and over as the editor's browser does (htmx), alternating between
    two answers so that every request really writes. Each save bumps the answer's version."""

    def __init__(self, client: Client, dossier: Dossier, requirement):
        self.client = client
        self.url = reverse("applications:answer-update", args=[dossier.pk, requirement.code])
        self.version = dossier.answers.get(requirement=requirement).version
        self.turn = 0

    def __call__(self):
        self.turn += 1
        if self.turn % 2:
            data = {
                "status": AnswerStatus.NON_COMPLIANT,
                "justification": "En cours de mise en œuvre.",
            }
        else:
            data = {"status": AnswerStatus.COMPLIANT, "justification": ""}
        data |= {"free_text": FREE_TEXT, "version": self.version}
        return self.client.post(self.url, data, HTTP_HX_REQUEST="true")

    def check(self, response) -> None:
        expect_status(200)(response)
        self.version += 1


def run(ctx: Context) -> Iterator[Metric]:
    editor, dossier = build_dossier(ctx)
    requirements = applicable_requirements(dossier)
    answered = dossier.answers.exclude(status="").count()
    yield Metric("requirements", answered, "count", MIN_REQUIREMENTS, at_least=True)

    per_domain = Counter(requirement.domain for requirement in requirements)
    domain, size = per_domain.most_common(1)[0]
    on_page = [r for r in requirements if r.domain == domain]
    ctx.log(
        f"questionnaire : page du domaine « {domain} » ({size} exigences) ; "
        f"{ctx.samples} mesures après {ctx.warmup} requêtes d'échauffement"
    )

    client = Client()
    client.force_login(editor)
    page_url = reverse("applications:questionnaire-domain", args=[dossier.pk, domain])
    opened = next(r for r in on_page if r.evidence_required)
    autosave = Autosave(client, dossier, opened)
    fragment_url = reverse("applications:requirement-detail", args=[dossier.pk, opened.code])

    def fragment():
        return client.get(fragment_url, HTTP_HX_REQUEST="true")

    timings = ctx.measure(
        {
            "baseline": baseline_case(client),
            "page": Case(lambda: client.get(page_url), expect_status(200)),
            "fragment": Case(fragment, expect_status(200)),
            "autosave": Case(autosave, autosave.check),
        }
    )

    # Query counts once warm, on every domain's page: the bound must hold whatever their size.
    page_queries = {}
    for code in per_domain:
        url = reverse("applications:questionnaire-domain", args=[dossier.pk, code])
        page_queries[code], response = count_queries(lambda url=url: client.get(url))
        expect_status(200)(response)
        if code == domain:
            page_html = response.content.decode()
            missing = [r.code for r in on_page if f'id="exigence-{r.code}"' not in page_html]
            if missing:
                raise AssertionError(f"exigences absentes de la page : {', '.join(missing)}")
    worst = max(page_queries, key=page_queries.get)
    fragment_queries, response = count_queries(fragment)
    expect_status(200)(response)
    fragment_html = response.content.decode()
    autosave_queries, response = count_queries(autosave)
    autosave.check(response)

    note = f"domaine {domain}, {size} exigences"
    baseline, page, save = timings["baseline"], timings["page"], timings["autosave"]
    yield Metric("page_p50", page.p50, "ms", note=note)
    yield Metric("page_p95", page.p95, "ms", PAGE_P95_MS, note=note)
    yield Metric(
        "page_queries",
        page_queries[worst],
        "count",
        PAGE_MAX_QUERIES,
        note="au plus, sur les pages des domaines "
        + ", ".join(
            f"{code} ({per_domain[code]} exigences) : {n}" for code, n in page_queries.items()
        ),
    )
    yield Metric("page_size", len(page_html.encode()) / 1024, "kB", note=note)
    yield Metric("fragment_p50", timings["fragment"].p50, "ms", note=f"exigence {opened.code}")
    yield Metric("fragment_p95", timings["fragment"].p95, "ms", note=f"exigence {opened.code}")
    yield Metric("fragment_queries", fragment_queries, "count", FRAGMENT_MAX_QUERIES)
    yield Metric("fragment_size", len(fragment_html.encode()) / 1024, "kB")
    yield Metric("autosave_p50", save.p50, "ms")
    yield Metric("autosave_p95", save.p95, "ms", AUTOSAVE_P95_MS)
    yield Metric("autosave_queries", autosave_queries, "count", AUTOSAVE_MAX_QUERIES)
    yield Metric("baseline_p50", baseline.p50, "ms", note="GET /healthz")
    yield Metric("baseline_p95", baseline.p95, "ms", note="GET /healthz")
    yield ratio(page.p95, baseline.p95, "page_p95_over_baseline_p95")
    yield ratio(save.p95, baseline.p95, "autosave_p95_over_baseline_p95")
