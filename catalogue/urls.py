"""The catalogue's addresses: the public pages (views/public.py), the cards editors propose and
the administration reviews (urls_cards.py), open data and the change feed (views/opendata.py,
views/feeds.py). The open API has its own module (catalogue/api/urls.py, under /api/v1/)."""

from django.urls import include, path

from .views import public

app_name = "catalogue"

urlpatterns = [
    path("", public.catalogue_list, name="list"),
    path("services/<slug:slug>/", public.listing_detail, name="detail"),
    path("services/<slug:slug>/decision.pdf", public.listing_decision, name="decision"),
    path("logos/<str:sha256>.<str:ext>", public.logo, name="logo"),
    path("fiches/", include("catalogue.urls_cards")),
    path("", include("catalogue.urls_opendata")),  # donnees/…, flux.atom, flux.json
]
