"""django-oauth-toolkit's endpoints, configured for the sandbox. Each records the call against
the client's dossier (sandbox/domain/calls.py) in the transaction of what it writes, so that a
token, its code's use and the record of it are written together or not at all. The
authorization endpoint's resource owner is the fictitious holder signed in on the sandbox's
page (never the portal account of the browser), who consents on a sandbox page."""

from urllib.parse import urlsplit

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider import views as dot
from oauth2_provider.exceptions import FatalClientError

from portal.middleware import CSP

from ..domain.calls import (
    CallDraft,
    call_capture,
    call_record_response,
    current_call,
    note_on_call,
    oauth_error_verdict,
    summarize_parameters,
)
from ..domain.oauth import token_introspect
from ..domain.pages import scope_labels
from ..enums import CallKind
from .holders import current_holder


def _draft(request, kind: str) -> CallDraft:
    params = request.GET if request.method == "GET" else request.POST
    return CallDraft(
        kind=kind,
        method=request.method,
        path=request.path,
        request_summary=summarize_parameters(
            method=request.method,
            path=request.path,
            params=params,
            basic_auth=request.META.get("HTTP_AUTHORIZATION", "").startswith("Basic "),
        ),
    )


class RecordedCallMixin:
    """Handle the request inside a transaction and a captured call, then record the call."""

    call_kind: str = ""

    def get_call_kind(self, request) -> str:
        return self.call_kind

    def dispatch(self, request, *args, **kwargs):
        draft = _draft(request, self.get_call_kind(request))
        with transaction.atomic(), call_capture(draft):
            response = super().dispatch(request, *args, **kwargs)
            call_record_response(draft, response)
        return response


@method_decorator(never_cache, name="dispatch")
class SandboxAuthorizationView(dot.AuthorizationView):
    """The authorization request: the fictitious holder signs in (sandbox:holder-sign-in), then
    approves or refuses on the consent page; the code or the error goes back to the service."""

    template_name = "sandbox/oauth/authorize.html"

    def dispatch(self, request, *args, **kwargs):
        self.oauth2_data = {}
        self.holder = current_holder(request)
        draft = _draft(request, CallKind.AUTHORIZE)
        draft.holder = self.holder
        with transaction.atomic(), call_capture(draft):
            if self.holder is None or not self._holder_of_requested_client(request):
                response = self.handle_no_permission()
            else:
                # Not DOT's LoginRequiredMixin, which asks for a portal account: the resource
                # owner here is the holder, checked above.
                response = View.dispatch(self, request, *args, **kwargs)
            if self._tells_the_service(response):
                call_record_response(draft, response)
        return response

    def _holder_of_requested_client(self, request) -> bool:
        if request.method != "GET":
            return True  # the consent form's client is checked in form_valid
        client_id = request.GET.get("client_id")
        return not client_id or client_id == self.holder.client.client_id

    def _tells_the_service(self, response) -> bool:
        """A redirect back to the service, or an error page: not the consent page, not the
        way to the holder's sign-in."""
        if response.status_code == 200:
            return False
        location = response.get("Location", "")
        return not location or urlsplit(location).path != self.get_login_url()

    # -- the holder's sign-in instead of the portal's -------------------------------------------
    def get_login_url(self):
        return reverse("sandbox:holder-sign-in")

    def handle_no_permission(self):
        prompt = set(self.request.GET.get("prompt", "").split())
        if prompt & {"none", "create", "login"}:
            return super().handle_no_permission()  # DOT's answers (login_required, …)
        if self.request.method != "GET":
            return render(self.request, "sandbox/oauth/session_expired.html", status=403)
        return redirect_to_login(self.request.get_full_path(), self.get_login_url(), "next")

    # -- the consent page ---------------------------------------------------------------------
    def get(self, request, *args, **kwargs):
        if "approval_prompt" in request.GET:
            # DOT's non-standard approval_prompt=auto would skip the consent after looking up
            # the portal account's tokens: the sandbox always asks the holder.
            request.GET = request.GET.copy()
            request.GET.pop("approval_prompt")
        response = super().get(request, *args, **kwargs)
        context = getattr(response, "context_data", None) or {}
        if response.status_code == 200 and "form" in context and not context.get("error"):
            self._allow_form_action(response, self.oauth2_data.get("redirect_uri", ""))
        return response

    def _allow_form_action(self, response, redirect_uri: str) -> None:
        """The consent form's answer redirects to the service: a browser enforces the page's
        form-action on that redirect, so this page admits the (registered) redirect URI's
        origin besides its own."""
        parts = urlsplit(redirect_uri)
        if parts.scheme and parts.netloc:
            directive = "form-action 'self'"
            assert directive in CSP
            response["Content-Security-Policy"] = CSP.replace(
                directive, f"{directive} {parts.scheme}://{parts.netloc}"
            )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["holder"] = self.holder
        context["scope_labels"] = scope_labels(list(kwargs.get("scopes") or []))
        return context

    def form_valid(self, form):
        if form.cleaned_data.get("client_id") != self.holder.client.client_id:
            return render(self.request, "sandbox/oauth/session_expired.html", status=403)
        draft = current_call()
        if draft is not None:
            draft.client = self.holder.client  # known even if the holder refuses
        return super().form_valid(form)

    def form_invalid(self, form):
        response = super().form_invalid(form)  # a consent form tampered with: nothing issued
        response.status_code = 400
        return response

    def create_authorization_response(self, request, scopes, credentials, allow):
        # The validator takes the resource owner from here (SandboxOAuth2Validator).
        credentials["sandbox_holder"] = self.holder
        return super().create_authorization_response(request, scopes, credentials, allow)

    def error_response(self, error, application, **kwargs):
        if application is None and not isinstance(error, FatalClientError):
            # DOT passes no application for the errors of the request's validation, then
            # checks the redirect against the global schemes (HTTPS only): a non-fatal error
            # comes after the client and its redirect URI were validated, so use the client's.
            draft = current_call()
            application = draft.client if draft is not None else None
        oauthlib_error = error.oauthlib_error
        verdict = oauth_error_verdict(oauthlib_error.error, oauthlib_error.description)
        if isinstance(error, FatalClientError):
            note_on_call(verdict)  # shown here, not sent back to the service
        return super().error_response(error, application, verdict=verdict, **kwargs)


@method_decorator(csrf_exempt, name="dispatch")
class SandboxTokenView(RecordedCallMixin, dot.TokenView):
    def get_call_kind(self, request) -> str:
        if request.POST.get("grant_type") == "refresh_token":
            return CallKind.REFRESH
        return CallKind.TOKEN

    def post(self, request, *args, **kwargs):
        return self.authorization_flow_token_response(request)  # no device flow here


@method_decorator(csrf_exempt, name="dispatch")
class SandboxRevokeTokenView(RecordedCallMixin, dot.RevokeTokenView):
    call_kind = CallKind.REVOKE


class _IntrospectionForm(forms.Form):
    token = forms.CharField(required=False)


@method_decorator(csrf_exempt, name="dispatch")
class SandboxIntrospectTokenView(RecordedCallMixin, dot.IntrospectTokenView):
    """RFC 7662 for the authenticated client's own access tokens; POST only (a token in a URL
    ends up in logs)."""

    call_kind = CallKind.INTROSPECT
    http_method_names = ["post", "options"]

    def post(self, request, *args, **kwargs):
        form = _IntrospectionForm(request.POST)
        form.is_valid()
        draft = current_call()
        client = draft.client if draft is not None else None
        return JsonResponse(token_introspect(client=client, token=form.cleaned_data.get("token")))


@method_decorator(csrf_exempt, name="dispatch")
class SandboxUserInfoView(RecordedCallMixin, dot.UserInfoView):
    call_kind = CallKind.USERINFO
