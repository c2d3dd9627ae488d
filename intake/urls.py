from django.urls import path

from intake import views

app_name = "intake"

urlpatterns = [
    path("", views.request_form, name="form"),
    path("thanks/", views.thanks, name="thanks"),
    path("<int:request_id>/more/<str:token>/", views.more, name="more"),
]
