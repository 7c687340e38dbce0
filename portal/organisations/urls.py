from django.urls import path

from . import views

app_name = "organisations"

urlpatterns = [
    path("nouvelle/", views.organisation_create, name="organisation-create"),
    path("<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path("<int:pk>/inviter/", views.invitation_create, name="invitation-create"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation-accept"),
]
