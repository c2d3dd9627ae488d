from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("people/<int:person_id>/", views.person, name="person"),
    path("people/<int:person_id>/export.json", views.export, name="export"),
    path("people/<int:person_id>/erase/", views.erase, name="erase"),
]
