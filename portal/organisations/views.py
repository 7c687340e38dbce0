from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from applications.rules import is_editor

from . import services
from .forms import InvitationForm, OrganisationForm
from .models import Organisation


def _my_organisation(request, pk):
    return get_object_or_404(Organisation.objects.filter(memberships__user=request.user), pk=pk)


def _detail_context(organisation, form):
    return {
        "organisation": organisation,
        "members": organisation.memberships.select_related("user").order_by("user__email"),
        "invitations": organisation.invitations.filter(accepted_at__isnull=True),
        "form": form,
    }


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request):
    if not is_editor.test(request.user):
        raise PermissionDenied(_("Seul un éditeur peut créer une organisation."))
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("L'organisation « %(name)s » a été créée.") % {"name": organisation}
            )
            return redirect("home")
    return render(
        request,
        "organisations/organisation/create.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
def organisation_detail(request, pk):
    organisation = _my_organisation(request, pk)
    return render(
        request,
        "organisations/organisation/detail.html",
        _detail_context(organisation, InvitationForm()),
    )


@login_required
@require_http_methods(["POST"])
def invitation_create(request, pk):
    organisation = _my_organisation(request, pk)
    form = InvitationForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            invitation = services.invitation_create(
                organisation=organisation, actor=request.user, email=form.cleaned_data["email"]
            )
        except ValidationError as exc:
            if getattr(exc, "code", None) == services.INVITATION_LIMIT:
                form.add_error(None, exc)
                status = 429
            else:
                form.add_error("email", exc)
        else:
            messages.success(
                request,
                _("Une invitation a été envoyée à %(email)s.") % {"email": invitation.email},
            )
            return redirect("organisations:organisation-detail", pk=organisation.pk)
    return render(
        request,
        "organisations/organisation/detail.html",
        _detail_context(organisation, form),
        status=status,
    )


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render(
            request, "organisations/invitation/invalid.html", {"reason": None}, status=404
        )
    if not request.user.is_authenticated:
        return render(
            request, "organisations/invitation/anonymous.html", {"invitation": invitation}
        )
    if request.method == "POST":
        try:
            services.invitation_accept(invitation=invitation, user=request.user)
        except (ValidationError, PermissionDenied) as exc:
            reason = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
            return render(
                request, "organisations/invitation/invalid.html", {"reason": reason}, status=400
            )
        messages.success(
            request,
            _("Vous avez rejoint l'organisation « %(name)s ».") % {"name": invitation.organisation},
        )
        return redirect("home")
    return render(request, "organisations/invitation/accept.html", {"invitation": invitation})
