"""The catalogue cards, under /catalogue/fiches/ (names inside app_name "catalogue"): the
editor's page of a service's card and the administration's review (catalogue/views/cards.py)."""

from django.urls import path

from .views import cards

urlpatterns = [
    path("services/<int:service_pk>/", cards.card_service, name="card-service"),
    path("services/<int:service_pk>/rediger/", cards.card_open, name="card-open"),
    path("<int:pk>/enregistrer/", cards.card_update, name="card-update"),
    path("<int:pk>/apercu/", cards.card_preview, name="card-preview"),
    path("<int:pk>/soumettre/", cards.card_submit, name="card-submit"),
    path("relecture/", cards.card_review_queue, name="card-review-queue"),
    path("<int:pk>/relecture/", cards.card_review, name="card-review"),
    path("<int:pk>/approuver/", cards.card_approve, name="card-approve"),
    path(
        "<int:pk>/demander-des-modifications/",
        cards.card_request_changes,
        name="card-request-changes",
    ),
]
