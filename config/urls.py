from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.views import SignInView
from visits import views as visit_views

urlpatterns = [
    path("", visit_views.home, name="home"),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("plan/", include("planner.urls")),
    path("directory/personal-data/", include("privacy.urls")),
    path("directory/", include("directory.urls")),
    path("api/", include("api.urls")),
    path("", include("notifications.urls")),
    path("", include("participation.urls")),
    path("", include("responses.urls")),
]
