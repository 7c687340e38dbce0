"""The instructors' queue and the experts' queue with many dossiers: server time and query count
of each page at N=100 and N=10,000 dossiers, against the bare health view.

Targets: p95 ≤ 150 ms for each queue page, and the same number of queries at both sizes (the
pages must not run a query per row, nor grow with the table)."""

from collections.abc import Iterator
from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications.domain.applicability import latest_version
from applications.models import Dossier, Orientation, Service
from applications.referential.loader import load_referential
from portal.accounts.models import ExpertScope, User
from portal.organisations.models import Membership, Organisation
from reviews.models import Assignment

from .harness import Case, Context, Metric, baseline_case, count_queries, expect_status, ratio

SIZES = (100, 10_000)
PAGE_P95_MS = 150
SERVICES = 20
BATCH = 2_000
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
REFERENTIALS = ("2022", "2023")  # 2023 supersedes 2022: loaded in that order


def referential_version():
    """The latest referential version, loaded if none is (as `seed_demo` and the questionnaire
    benchmark do)."""
    version = latest_version()
    if version is None:
        for code in REFERENTIALS:
            version = load_referential(settings.BASE_DIR / "referential" / f"{code}.yaml").version
    return version


def _person(email: str, role: str) -> User:
    user = User.objects.create_user(email=email, password="mot-de-passe-du-benchmark")
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if role != "editor":
        TOTP.activate(user, TOTP_SECRET)  # staff reach no page without TOTP
    return user


class Population:
    """Submitted dossiers spread over a few services, each assigned to the same expert, each
    pinned to the latest referential version as `dossier_create` pins every real dossier (an
    unpinned one would make each row of a queue look the latest version up)."""

    def __init__(self):
        self.version = referential_version()
        organisation = Organisation.objects.create(
            name="Santé en Nombre SAS",
            siren="732829320",
            street="1 rue de la République",
            postal_code="75001",
            city="Paris",
        )
        self.editor = _person("editeur@bench.test", "editor")
        Membership.objects.create(organisation=organisation, user=self.editor)
        self.instructor = _person("instructeur@bench.test", "instructor")
        self.expert = _person("expert@bench.test", "expert")
        ExpertScope.objects.create(expert=self.expert, domain="ethics")
        self.services = Service.objects.bulk_create(
            Service(
                organisation=organisation,
                name=f"Service n° {n}",
                short_description="Un service parmi beaucoup d'autres.",
                requests_data_exchange=n % 3 == 0,
            )
            for n in range(SERVICES)
        )
        Orientation.objects.bulk_create(
            Orientation(service=s, targets_users=True, purposes=["care"]) for s in self.services
        )
        self.count = 0

    def grow_to(self, total: int) -> None:
        now = timezone.now()
        today = timezone.localdate()
        while self.count < total:
            size = min(BATCH, total - self.count)
            numbers = range(self.count, self.count + size)
            dossiers = Dossier.objects.bulk_create(
                Dossier(
                    service=self.services[n % SERVICES],
                    reference=f"B-{n:07d}",
                    state="submitted",
                    referential_version=self.version,
                    created_by=self.editor,
                    submitted_at=now - timedelta(days=n % 40, minutes=n),
                    state_changed_at=now - timedelta(days=n % 40, minutes=n),
                )
                for n in numbers
            )
            Assignment.objects.bulk_create(
                Assignment(
                    dossier=dossier,
                    expert=self.expert,
                    domain="ethics",
                    assigned_by=self.instructor,
                    due_on=today + timedelta(days=(n % 60) - 20),
                    conflict_status="none" if n % 2 else "pending",
                )
                for n, dossier in zip(numbers, dossiers, strict=True)
            )
            self.count += size


def _page_case(client: Client, url: str, needle: str) -> Case:
    def check(response) -> None:
        expect_status(200)(response)
        if needle.encode() not in response.content:
            raise AssertionError(f"{url} : « {needle} » absent de la page")

    return Case(lambda: client.get(url), check)


def run(ctx: Context) -> Iterator[Metric]:
    population = Population()
    instructor, expert = Client(), Client()
    instructor.force_login(population.instructor)
    expert.force_login(population.expert)
    queue_url = reverse("reviews:instructor-queue") + "?etat=submitted"
    expert_url = reverse("reviews:expert-queue")
    queries = {}
    for size in SIZES:
        population.grow_to(size)
        ctx.log(
            f"queues : {size} dossiers déposés, {size} affectations du même expert ; "
            f"{ctx.samples} mesures après {ctx.warmup} requêtes d'échauffement"
        )
        timings = ctx.measure(
            {
                "baseline": baseline_case(instructor),
                "instructor": _page_case(instructor, queue_url, "en retard"),
                "expert": _page_case(expert, expert_url, "Service n° "),
            }
        )
        for name, url, client in (
            ("instructor", queue_url, instructor),
            ("expert", expert_url, expert),
        ):
            count, response = count_queries(lambda url=url, client=client: client.get(url))
            expect_status(200)(response)
            queries[name, size] = count
            note = f"{size} dossiers"
            yield Metric(f"{name}_queue_p50_{size}", timings[name].p50, "ms", note=note)
            yield Metric(
                f"{name}_queue_p95_{size}", timings[name].p95, "ms", PAGE_P95_MS, note=note
            )
            yield Metric(f"{name}_queue_queries_{size}", count, "count", note=note)
            yield ratio(
                timings[name].p95,
                timings["baseline"].p95,
                f"{name}_queue_p95_over_baseline_p95_{size}",
            )
        yield Metric(f"baseline_p95_{size}", timings["baseline"].p95, "ms", note="GET /healthz")
    small, large = SIZES
    for name in ("instructor", "expert"):
        yield Metric(
            f"{name}_queue_queries_growth",
            queries[name, large] - queries[name, small],
            "count",
            0,
            note=f"requêtes à {large} moins requêtes à {small} dossiers",
        )
