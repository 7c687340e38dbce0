"""What the sandbox's pages show, read by one function each; the templates trigger no query.

`sandbox_page`: the visibility check (none for an organisation member, whose organisations are
memoised on the user; one for staff), the client, its holders, the page of calls (count and
rows) — five queries at most, however many calls.
`dossier_sandbox_section`: nothing for a dossier without data exchange; otherwise one query
(the client's existence) and the visibility check.
"""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator

from ..enums import Scope
from ..models import SandboxClient, SandboxHolder
from ..rules import can_manage_sandbox, can_view_sandbox, dossier_exchanges_data, dossier_scopes

CALLS_PAGE_SIZE = 20


@dataclass
class SandboxPage:
    dossier: object
    client: SandboxClient | None
    holders: list[SandboxHolder]
    calls: Page | None
    scopes: list[tuple[str, str]]
    can_manage: bool
    is_open: bool


def scope_labels(scopes: list[str]) -> list[tuple[str, str]]:
    labels = dict(Scope.choices)
    return [(scope, str(labels.get(scope, scope))) for scope in scopes]


def sandbox_page(*, dossier, user, calls_page=None) -> SandboxPage:
    """The sandbox of `dossier` as `user` sees it (the caller checked `can_view_sandbox`)."""
    client = SandboxClient.objects.filter(dossier=dossier).first()
    holders: list[SandboxHolder] = []
    calls = None
    if client is not None:
        client.dossier = dossier
        holders = list(client.holders.all())
        rows = client.calls.select_related("holder", "actor").order_by("-at", "-pk")
        calls = Paginator(rows, CALLS_PAGE_SIZE).get_page(calls_page)
        list(calls.object_list)  # read now: the template only iterates
    return SandboxPage(
        dossier=dossier,
        client=client,
        holders=holders,
        calls=calls,
        scopes=scope_labels(dossier_scopes(dossier)),
        can_manage=can_manage_sandbox.test(user, dossier),
        is_open=client.is_open if client is not None else True,
    )


@dataclass
class DossierSandboxSection:
    """The sandbox's block on the dossier page (templates/sandbox/_dossier_section.html)."""

    dossier_id: int
    has_client: bool
    can_manage: bool


def dossier_sandbox_section(*, dossier, user) -> DossierSandboxSection | None:
    if not dossier_exchanges_data(dossier) or not can_view_sandbox.test(user, dossier):
        return None
    return DossierSandboxSection(
        dossier_id=dossier.pk,
        has_client=SandboxClient.objects.filter(dossier=dossier).exists(),
        can_manage=can_manage_sandbox.test(user, dossier),
    )
