from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.language import language_switch
from accounts.views import SignInView
from notifications.metrics import metrics
from visits import views as visit_views

urlpatterns = [
    path("", visit_views.home, name="home"),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", include("accounts.urls")),
    # Django's set_language, which also keeps a signed-in user's choice with their account.
    path("i18n/setlang/", language_switch, name="set_language"),
    path("admin/", admin.site.urls),
    # For Prometheus, with the METRICS_TOKEN bearer token (visits.access.may_read_metrics).
    path("metrics", metrics, name="metrics"),
    # Requests for a visit: the public page, and the coordinators' inbox in the planner.
    path("request-a-visit/", include("intake.urls")),
    path("plan/requests/", include("intake.triage_urls")),
    path("plan/", include("planner.urls")),
    path("plan/", include("booklets.urls")),
    path("plan/", include("evaluations.planner_urls")),
    path("plan/", include("reports.urls")),
    path("plan/", include("registration.urls")),
    path("directory/personal-data/", include("privacy.urls")),
    path("directory/", include("directory.urls")),
    path("api/", include("api.urls")),
    path("", include("notifications.urls")),
    path("", include("participation.urls")),
    path("", include("responses.urls")),
    path("", include("booklets.token_urls")),
    path("", include("evaluations.urls")),
    path("", include("registration.public_urls")),
]
