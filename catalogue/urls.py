"""The catalogue's addresses: the public pages (views/public.py), the cards editors propose and
the administration reviews (urls_cards.py), open data and the change feed (views/opendata.py,
views/feeds.py), the public's reports, their triage and the controls they open
(views/reports.py). The open API has its own module (catalogue/api/urls.py, under /api/v1/)."""

from django.urls import include, path

from .views import opendata, public, reports

app_name = "catalogue"

urlpatterns = [
    path("", public.catalogue_list, name="list"),
    path("services/<slug:slug>/", public.listing_detail, name="detail"),
    path("services/<slug:slug>/decision.pdf", public.listing_decision, name="decision"),
    path("services/<slug:slug>/signaler/", reports.report_create, name="report-create"),
    path("services/<slug:slug>/signaler/envoye/", reports.report_sent, name="report-sent"),
    path("logos/<str:sha256>.<str:ext>", public.logo, name="logo"),
    path("fiches/", include("catalogue.urls_cards")),
    path("signalements/", reports.report_list, name="report-list"),
    path("signalements/<int:pk>/", reports.report_detail, name="report-detail"),
    path("signalements/<int:pk>/non-fonde/", reports.report_unfounded, name="report-unfounded"),
    path("signalements/<int:pk>/transmettre/", reports.report_send, name="report-send"),
    path("signalements/<int:pk>/repondre/", reports.report_answer, name="report-answer"),
    path("signalements/<int:pk>/controle/", reports.report_open_control, name="report-control"),
    path("controles/<int:pk>/", reports.control_detail, name="control-detail"),
    path("controles/<int:pk>/constat/", reports.control_finding, name="control-finding"),
    path("controles/<int:pk>/conclure/", reports.control_conclude, name="control-conclude"),
    path("donnees/historique.csv", opendata.history_csv, name="opendata-history-csv"),
    path("donnees/historique.json", opendata.history_json, name="opendata-history-json"),
    path(
        "donnees/historique-schema.json",
        opendata.history_schema,
        name="opendata-history-schema",
    ),
    path("", include("catalogue.urls_opendata")),  # donnees/…, flux.atom, flux.json
]
