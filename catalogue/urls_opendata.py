"""Open data (views/opendata.py) and the change feed (views/feeds.py), included by
catalogue/urls.py at the catalogue's root: /catalogue/donnees/… and /catalogue/flux.…"""

from django.urls import path

from .views import feeds, opendata

urlpatterns = [
    path("donnees/", opendata.opendata_page, name="opendata"),
    path("donnees/catalogue.csv", opendata.catalogue_csv, name="opendata-csv"),
    path("donnees/catalogue.json", opendata.catalogue_json, name="opendata-json"),
    path("donnees/schema.json", opendata.catalogue_schema, name="opendata-schema"),
    path("flux.atom", feeds.feed_atom, name="feed-atom"),
    path("flux.json", feeds.feed_json, name="feed-json"),
]
