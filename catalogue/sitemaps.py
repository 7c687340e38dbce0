"""The sitemap of the public pages (`/sitemap.xml`): the catalogue, its open data and API
documentation, and every listed service with the date it last changed."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Listing


class _PortalSitemap(Sitemap):
    """Addresses on PORTAL_BASE_URL, never on the request's Host (the page is cached for all)."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.PORTAL_BASE_URL).scheme or "https"

    def get_domain(self, site=None):
        return urlsplit(settings.PORTAL_BASE_URL).netloc


class PublicPagesSitemap(_PortalSitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return ["catalogue:list", "catalogue:opendata"]

    def location(self, item):
        return reverse(item)


class ListingSitemap(_PortalSitemap):
    changefreq = "weekly"
    priority = 0.6
    limit = 5000

    def items(self):
        return Listing.objects.listed().only("slug", "updated_at").order_by("pk")

    def location(self, listing):
        return reverse("catalogue:detail", args=[listing.slug])

    def lastmod(self, listing):
        return listing.updated_at


SITEMAPS = {"pages": PublicPagesSitemap, "services": ListingSitemap}
