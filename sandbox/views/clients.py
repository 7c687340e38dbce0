"""The dossier's sandbox page (its client, its fictitious holders, the calls of its service) and
the editor's actions on the client. Organisation members see it, staff who may open the dossier
read it, anyone else gets a 404; only the dossier's editors, while it is open, change it (403)."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications.models import Dossier

from ..domain.clients import (
    sandbox_client_create,
    sandbox_client_rotate_secret,
    sandbox_client_set_redirect_uris,
)
from ..domain.exceptions import SandboxError
from ..domain.fhir_api import case_label, measure_label
from ..domain.fhir_metadata import example_measures_bundle
from ..domain.pages import sandbox_page
from ..enums import CallKind
from ..forms import RedirectUrisForm
from ..models import SandboxCall, SandboxClient
from ..rules import can_manage_sandbox, can_view_sandbox

CALLS_REGION = "appels-bac-a-sable"
#: How often the open page asks whether new calls arrived (an empty 204 when none did).
CALLS_POLL_SECONDS = 3


def _visible_dossier(request, pk) -> Dossier:
    dossier = get_object_or_404(Dossier.objects.select_related("service__organisation"), pk=pk)
    if not can_view_sandbox.test(request.user, dossier):
        raise Http404
    return dossier


def _managed_client(request, pk) -> SandboxClient:
    dossier = _visible_dossier(request, pk)
    if not can_manage_sandbox.test(request.user, dossier):
        raise PermissionDenied(_("Vous ne pouvez pas modifier le bac à sable de ce dossier."))
    client = SandboxClient.objects.filter(dossier=dossier).first()
    if client is None:
        raise Http404
    client.dossier = dossier
    return client


def endpoints(request) -> list[tuple[str, str]]:
    """The sandbox's OAuth2 / OpenID Connect addresses, absolute, as the editor configures them."""
    names = [
        (_("Découverte OpenID Connect"), "oauth2_provider:oidc-connect-discovery-info"),
        (_("Autorisation"), "oauth2_provider:authorize"),
        (_("Jetons"), "oauth2_provider:token"),
        (_("Révocation"), "oauth2_provider:revoke-token"),
        (_("Introspection"), "oauth2_provider:introspect"),
        (_("Identité (userinfo)"), "oauth2_provider:user-info"),
        (_("Clés publiques (JWKS)"), "oauth2_provider:jwks-info"),
    ]
    return [(label, request.build_absolute_uri(reverse(name))) for label, name in names]


def fhir_endpoints(request) -> list[tuple[str, str, str]]:
    """The sandbox's FHIR endpoints, absolute: (label, method, address)."""
    names = [
        (
            _("Mesures de santé (Bundle de transaction, à la base FHIR)"),
            "POST",
            "sandbox:fhir-base",
        ),
        (_("Documents de santé"), "POST", "sandbox:fhir-document-reference"),
        (_("Agenda"), "POST", "sandbox:fhir-appointment"),
        (_("Déclaration de capacités (CapabilityStatement)"), "GET", "sandbox:fhir-metadata"),
    ]
    return [
        (label, method, request.build_absolute_uri(reverse(name))) for label, method, name in names
    ]


def fhir_example(request, page) -> tuple[str, str]:
    """(the curl command, the Bundle it posts) of the page's example: a body weight of the
    client's first holder."""
    holder = page.holders[0].test_identifier if page.holders else "984059912345678"
    bundle = example_measures_bundle(
        subject_identifier=holder, when=timezone.localtime().isoformat(timespec="seconds")
    )
    url = request.build_absolute_uri(reverse("sandbox:fhir-base"))
    curl = (
        f"curl -X POST '{url}' \\\n"
        "  -H 'Authorization: Bearer JETON' \\\n"
        "  -H 'Content-Type: application/fhir+json' \\\n"
        "  --data-binary @mesure.json"
    )
    return curl, json.dumps(bundle, indent=2, ensure_ascii=False)


def _label_calls(page) -> None:
    """Each FHIR call of the page with the French label of its test-book case and measure."""
    for call in page.calls or ():
        if call.kind == CallKind.FHIR:
            call.case_display = case_label(call.case, call.measure) if call.case else ""
            call.measure_display = measure_label(call.measure) if call.measure else ""


def _calls_context(page) -> dict:
    return {
        "page": page,
        "calls_region": CALLS_REGION,
        "calls_poll_seconds": CALLS_POLL_SECONDS,
    }


def _page(request, dossier, *, form=None, status=200):
    page = sandbox_page(dossier=dossier, user=request.user, calls_page=request.GET.get("page"))
    _label_calls(page)
    if page.can_manage and page.client is None and form is None:
        form = RedirectUrisForm()
    if request.htmx and request.htmx.target == CALLS_REGION:
        return render(request, "sandbox/client/_calls.html", _calls_context(page))
    curl, example = fhir_example(request, page)
    return render(
        request,
        "sandbox/client/detail.html",
        {
            **_calls_context(page),
            "dossier": dossier,
            "form": form,
            "endpoints": endpoints(request),
            "fhir_endpoints": fhir_endpoints(request),
            "fhir_curl": curl,
            "fhir_example": example,
        },
        status=status,
    )


@login_required
def client_detail(request, pk):
    return _page(request, _visible_dossier(request, pk))


@login_required
@require_GET
def client_calls(request, pk):
    """The list of calls, polled by the open page (`?depuis=` the number of calls it shows):
    204 and nothing else when no call arrived since (calls are only ever added), otherwise the
    list as the page would show it."""
    dossier = _visible_dossier(request, pk)
    seen = request.GET.get("depuis", "")
    if seen.isdigit() and int(seen) == SandboxCall.objects.filter(client__dossier=dossier).count():
        return HttpResponse(status=204)
    page = sandbox_page(dossier=dossier, user=request.user, calls_page=request.GET.get("page"))
    if page.client is None:
        raise Http404
    _label_calls(page)
    return render(request, "sandbox/client/_calls_list.html", _calls_context(page))


@login_required
@require_POST
def client_create(request, pk):
    dossier = _visible_dossier(request, pk)
    if not can_manage_sandbox.test(request.user, dossier):
        raise PermissionDenied(_("Vous ne pouvez pas modifier le bac à sable de ce dossier."))
    form = RedirectUrisForm(request.POST)
    if form.is_valid():
        try:
            client, secret = sandbox_client_create(
                dossier=dossier,
                actor=request.user,
                redirect_uris=form.cleaned_data["redirect_uris"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("redirect_uris", message)
            return _page(request, dossier, form=form, status=400)
        except SandboxError as exc:
            messages.error(request, str(exc))
            return _page(request, dossier, status=exc.status_code)
        return render(
            request,
            "sandbox/client/secret.html",
            {"dossier": dossier, "client": client, "secret": secret, "created": True},
            status=201,
        )
    return _page(request, dossier, form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def client_rotate_secret(request, pk):
    client = _managed_client(request, pk)
    if request.method == "POST":
        secret = sandbox_client_rotate_secret(client=client, actor=request.user)
        return render(
            request,
            "sandbox/client/secret.html",
            {"dossier": client.dossier, "client": client, "secret": secret, "created": False},
        )
    return render(
        request, "sandbox/client/rotate_secret.html", {"dossier": client.dossier, "client": client}
    )


@login_required
@require_http_methods(["GET", "POST"])
def client_redirect_uris(request, pk):
    client = _managed_client(request, pk)
    form = RedirectUrisForm.for_client(client, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                sandbox_client_set_redirect_uris(
                    client=client,
                    actor=request.user,
                    redirect_uris=form.cleaned_data["redirect_uris"],
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error("redirect_uris", message)
            else:
                messages.success(request, _("Les adresses de retour sont enregistrées."))
                return redirect("sandbox:client-detail", pk=client.dossier.pk)
        status = 400
    return render(
        request,
        "sandbox/client/redirect_uris.html",
        {"dossier": client.dossier, "client": client, "form": form},
        status=status,
    )
