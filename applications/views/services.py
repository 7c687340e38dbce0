"""An editor's services: describing one, its orientation questionnaire, and opening its dossier."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.organisations.models import Organisation

from .. import rules as r
from ..domain import service_description
from ..domain.applicability import service_orientation as current_orientation
from ..domain.dossiers import dossier_create
from ..domain.orientation import eligibility, orientation_save
from ..domain.renewal import service_renewal
from ..forms.services import OrientationForm, ServiceCreateForm, ServiceForm


def _visible_service(request, pk):
    return get_object_or_404(
        service_description.services_visible_to(request.user).select_related(
            "organisation", "orientation"
        ),
        pk=pk,
    )


def _locked(request, service, message):
    """The answer to a change of a service that a filed dossier freezes."""
    return render(
        request,
        "applications/service/locked.html",
        {"service": service, "message": message},
        status=403,
    )


@login_required
@require_http_methods(["GET", "POST"])
def service_create(request):
    if not r.is_editor.test(request.user):
        raise PermissionDenied(_("Seul un éditeur peut décrire un service."))
    organisations = Organisation.objects.filter(pk__in=r.user_organisation_ids(request.user))
    if not organisations:
        messages.info(
            request, _("Créez d'abord votre organisation : les services sont décrits en son nom.")
        )
        return redirect("organisations:organisation-create")
    form = ServiceCreateForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            service = service_description.service_create(
                actor=request.user, **form.service_kwargs()
            )
        except ValidationError as exc:
            form.add_domain_errors(exc)
        else:
            messages.success(
                request,
                _(
                    "Le service « %(name)s » est enregistré. Répondez maintenant au "
                    "questionnaire d'orientation."
                )
                % {"name": service.name},
            )
            return redirect("applications:service-orientation", pk=service.pk)
    return render(
        request,
        "applications/service/form.html",
        {"form": form, "service": None},
        status=400 if form.errors else 200,
    )


@login_required
def service_detail(request, pk):
    service = _visible_service(request, pk)
    return render(
        request,
        "applications/service/detail.html",
        {
            "overview": service_description.service_overview(service),
            "service": service,
            "renewal": service_renewal(service=service, user=request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def service_update(request, pk):
    service = _visible_service(request, pk)
    dossier = service_description.locking_dossier(service)
    if dossier is not None:
        return _locked(request, service, service_description.lock_message(dossier))
    form = ServiceForm(request.POST or None, initial=ServiceForm.initial_from(service))
    if request.method == "POST" and form.is_valid():
        try:
            service_description.service_update(
                service=service, actor=request.user, **form.service_kwargs()
            )
        except service_description.ServiceLocked as exc:
            return _locked(request, service, str(exc))
        except ValidationError as exc:
            form.add_domain_errors(exc)
        else:
            messages.success(request, _("La description du service est enregistrée."))
            return redirect("applications:service-detail", pk=service.pk)
    return render(
        request,
        "applications/service/form.html",
        {"form": form, "service": service},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def service_orientation(request, pk):
    service = _visible_service(request, pk)
    dossier = service_description.locking_dossier(service)
    if dossier is not None:
        return _locked(request, service, service_description.lock_message(dossier))
    initial = OrientationForm.initial_from(current_orientation(service))
    form = OrientationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            orientation = orientation_save(
                service=service, actor=request.user, **form.service_kwargs()
            )
        except service_description.ServiceLocked as exc:
            return _locked(request, service, str(exc))
        else:
            service.orientation = orientation
            verdict = eligibility(service)
            message = _("Le questionnaire d'orientation est enregistré. %(verdict)s") % {
                "verdict": verdict.summary
            }
            (messages.success if verdict.eligible else messages.warning)(request, message)
            return redirect(reverse("applications:service-detail", args=[pk]) + "#eligibilite")
    return render(
        request,
        "applications/service/orientation.html",
        {"form": form, "service": service, "verdict": eligibility(service)},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def service_dossier_create(request, pk):
    service = _visible_service(request, pk)
    try:
        dossier = dossier_create(actor=request.user, service=service)
    except ValidationError as exc:
        return render(
            request,
            "applications/service/detail.html",
            {
                "overview": service_description.service_overview(service),
                "service": service,
                "dossier_errors": exc.messages,
            },
            status=400,
        )
    messages.success(
        request,
        _("Le dossier %(ref)s est créé : remplissez maintenant le questionnaire.")
        % {"ref": dossier.reference},
    )
    return redirect("applications:dossier-detail", pk=dossier.pk)
