from django.urls import path

from . import views

app_name = "decisions"

urlpatterns = [
    path("<int:pk>/pdf/", views.decision_download, name="decision-download"),
    path("<int:pk>/document/", views.decision_document, name="decision-document"),
]
