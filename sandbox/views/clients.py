"""The dossier's sandbox page (its client, its fictitious holders, the calls of its service) and
the editor's actions on the client. Organisation members see it, staff who may open the dossier
read it, anyone else gets a 404; only the dossier's editors, while it is open, change it (403)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from applications.models import Dossier

from ..domain.clients import (
    sandbox_client_create,
    sandbox_client_rotate_secret,
    sandbox_client_set_redirect_uris,
)
from ..domain.exceptions import SandboxError
from ..domain.pages import sandbox_page
from ..forms import RedirectUrisForm
from ..models import SandboxClient
from ..rules import can_manage_sandbox, can_view_sandbox

CALLS_REGION = "appels-bac-a-sable"


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


def _page(request, dossier, *, form=None, status=200):
    page = sandbox_page(dossier=dossier, user=request.user, calls_page=request.GET.get("page"))
    if page.can_manage and page.client is None and form is None:
        form = RedirectUrisForm()
    if request.htmx and request.htmx.target == CALLS_REGION:
        return render(request, "sandbox/client/_calls.html", {"page": page})
    return render(
        request,
        "sandbox/client/detail.html",
        {
            "page": page,
            "dossier": dossier,
            "form": form,
            "endpoints": endpoints(request),
            "calls_region": CALLS_REGION,
        },
        status=status,
    )


@login_required
def client_detail(request, pk):
    return _page(request, _visible_dossier(request, pk))


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
