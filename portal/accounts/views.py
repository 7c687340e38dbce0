from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .forms import ProfileForm
from .services import user_names_update


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """One's own account: the names one is shown by (editable), the address, roles,
    organisations and whether the two-factor authentication is on."""
    user = request.user
    form = ProfileForm(
        request.POST or None, initial={"first_name": user.first_name, "last_name": user.last_name}
    )
    if request.method == "POST" and form.is_valid():
        user_names_update(user=user, **form.cleaned_data)
        messages.success(request, _("Vos nom et prénom sont enregistrés."))
        return redirect("accounts:profile")
    memberships = user.memberships.select_related("organisation").order_by("organisation__name")
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "organisations": [m.organisation for m in memberships],
            "roles": user.role_labels,
        },
        status=400 if form.errors else 200,
    )
