from django.urls import path

from planner.views import overview, pickers, publishing, search, sessions

app_name = "planner"

urlpatterns = [
    path("", overview.dashboard, name="dashboard"),
    path("search/", search.search_page, name="search"),
    path("visits/new/", overview.visit_new, name="visit_new"),
    path("visits/<int:visit_id>/", overview.board, name="board"),
    path("visits/<int:visit_id>/print/", overview.programme_print, name="print"),
    path("visits/<int:visit_id>/history/", overview.visit_history, name="history"),
    path("visits/<int:visit_id>/sessions/new/", sessions.session_new, name="session_new"),
    path("visits/<int:visit_id>/check/", sessions.check, name="check"),
    path("visits/<int:visit_id>/people.json", pickers.people_search, name="people_search"),
    path("sessions/<int:session_id>/edit/", sessions.session_edit, name="session_edit"),
    path("sessions/<int:session_id>/status/", sessions.session_status, name="session_status"),
    path("visits/<int:visit_id>/publish/", publishing.publish, name="publish"),
    path("visits/<int:visit_id>/acknowledge/", publishing.acknowledge, name="acknowledge"),
    path("visits/<int:visit_id>/delivery/", publishing.delivery, name="delivery"),
    path("visits/<int:visit_id>/delivery.json", publishing.delivery_json, name="delivery_json"),
    path(
        "visits/<int:visit_id>/messages/<int:message_id>/send-again/",
        publishing.send_again,
        name="send_again",
    ),
]
