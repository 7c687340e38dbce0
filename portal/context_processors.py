from django.conf import settings
from django.utils.translation import gettext


def site(request):
    return {"site_title": gettext(settings.SITE_TITLE)}
