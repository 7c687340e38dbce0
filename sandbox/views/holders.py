"""The fictitious holder's pages, the sandbox's stand-in for Mon espace santé: sign in (choose a
test holder of the client), see and withdraw one's consent, sign out. They never read nor
change the portal account of the browser: the holder's sign-in is a signed cookie of the
sandbox's own (sandbox/domain/holders.py), on the sandbox's paths only."""

import posixpath
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from ..domain import holders as holder_sessions
from ..domain.consents import consent_withdraw
from ..domain.pages import scope_labels
from ..forms import HolderSignInForm, SignInTargetForm
from ..models import SandboxClient, SandboxHolder

HOLDER_COOKIE = "sandbox_titulaire"


def holder_cookie_path() -> str:
    """The sandbox's paths (its holder pages and its OAuth2 endpoints), and no other."""
    common = posixpath.commonprefix(
        [reverse("sandbox:holder-home"), reverse("oauth2_provider:authorize")]
    )
    return common[: common.rfind("/") + 1]


def current_holder(request) -> SandboxHolder | None:
    return holder_sessions.holder_from_session(request.COOKIES.get(HOLDER_COOKIE))


def _authorize_url(request, candidate: str | None) -> str | None:
    """`candidate` if it is this sandbox's authorization endpoint (on this site), else None."""
    if not candidate or not url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    if urlsplit(candidate).path != reverse("oauth2_provider:authorize"):
        return None
    return candidate


def _client_of(request) -> tuple[SandboxClient | None, str | None]:
    """The client the sign-in is for (named by the authorization request to resume, or by
    `client_id`), and the authorization request to resume."""
    target = SignInTargetForm(request.POST if request.method == "POST" else request.GET)
    target.is_valid()
    next_url = _authorize_url(request, target.cleaned_data.get("next"))
    client_id = target.cleaned_data.get("client_id")
    if next_url:
        client_id = parse_qs(urlsplit(next_url).query).get("client_id", [client_id])[0]
    client = SandboxClient.objects.filter(client_id=client_id).first() if client_id else None
    return client, next_url


@never_cache
@require_http_methods(["GET", "POST"])
def holder_sign_in(request):
    client, next_url = _client_of(request)
    if client is None:
        return render(request, "sandbox/holder/unknown_client.html", status=400)
    form = HolderSignInForm(
        request.POST if request.method == "POST" else None,
        client=client,
        initial={"client_id": client.client_id, "next": next_url or ""},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            value = holder_sessions.holder_sign_in(holder=form.cleaned_data["holder"])
            response = redirect(next_url or reverse("sandbox:holder-home"))
            response.set_cookie(
                HOLDER_COOKIE,
                value,
                max_age=settings.SANDBOX_HOLDER_SESSION_SECONDS,
                path=holder_cookie_path(),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
            return response
        status = 400
    return render(
        request,
        "sandbox/holder/sign_in.html",
        {"form": form, "client": client, "resumes_authorization": bool(next_url)},
        status=status,
    )


@never_cache
def holder_home(request):
    holder = current_holder(request)
    if holder is None:
        return render(request, "sandbox/holder/signed_out.html", status=401)
    consents = [
        (consent, scope_labels(consent.scopes)) for consent in holder.consents.order_by("-pk")
    ]
    return render(request, "sandbox/holder/home.html", {"holder": holder, "consents": consents})


@never_cache
@require_http_methods(["GET", "POST"])
def consent_withdraw_view(request, pk):
    holder = current_holder(request)
    if holder is None:
        raise Http404
    consent = get_object_or_404(holder.consents, pk=pk, withdrawn_at__isnull=True)
    if request.method == "POST":
        consent_withdraw(consent=consent)
        messages.success(
            request,
            _(
                "Votre consentement est retiré : le service %(service)s ne peut plus accéder à "
                "votre profil de test."
            )
            % {"service": holder.client.name},
        )
        return redirect("sandbox:holder-home")
    return render(
        request,
        "sandbox/holder/withdraw.html",
        {"holder": holder, "consent": consent, "scopes": scope_labels(consent.scopes)},
    )


@never_cache
@require_POST
def holder_sign_out(request):
    response = render(request, "sandbox/holder/signed_out.html", {"signed_out": True})
    response.delete_cookie(HOLDER_COOKIE, path=holder_cookie_path(), samesite="Lax")
    return response
