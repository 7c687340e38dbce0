from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from dsfr.forms import DsfrBaseForm

from ..models import ReferentialVersion
from ..referential.diff import referential_diff


class DiffForm(DsfrBaseForm):
    old = forms.ModelChoiceField(
        label=_("Version de départ"),
        queryset=ReferentialVersion.objects.all(),
        to_field_name="code",
    )
    new = forms.ModelChoiceField(
        label=_("Version d'arrivée"),
        queryset=ReferentialVersion.objects.all(),
        to_field_name="code",
    )

    def clean(self):
        data = super().clean()
        if data.get("old") and data.get("old") == data.get("new"):
            raise forms.ValidationError(_("Choisissez deux versions différentes."))
        return data


@login_required
@require_GET
def referential_versions(request):
    versions = ReferentialVersion.objects.select_related("supersedes").order_by("-published_on")
    initial = {}
    latest = versions.first()
    if latest and latest.supersedes:
        initial = {"old": latest.supersedes.code, "new": latest.code}
    form = DiffForm(request.GET or None, initial=initial)
    diff = None
    status = 200
    if request.GET:
        if form.is_valid():
            diff = referential_diff(form.cleaned_data["old"], form.cleaned_data["new"])
        else:
            status = 400
    return render(
        request,
        "applications/referential/versions.html",
        {"versions": versions, "form": form, "diff": diff},
        status=status,
    )
