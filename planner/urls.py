from django.urls import path

from planner.views import (
    answers,
    board_actions,
    copying,
    fixes,
    overview,
    pickers,
    proposing,
    publishing,
    search,
    sessions,
)

app_name = "planner"

urlpatterns = [
    path("", overview.dashboard, name="dashboard"),
    path("search/", search.search_page, name="search"),
    path("visits/new/", overview.visit_new, name="visit_new"),
    path("visits/<int:visit_id>/", overview.board, name="board"),
    path("visits/<int:visit_id>/print/", overview.programme_print, name="print"),
    path("visits/<int:visit_id>/history/", overview.visit_history, name="history"),
    path("visits/<int:visit_id>/copy-programme/", copying.programme_copy, name="programme_copy"),
    path("visits/<int:visit_id>/propose/", proposing.propose, name="propose"),
    path("visits/<int:visit_id>/proposals/<int:proposal_id>/", proposing.proposal, name="proposal"),
    path("visits/<int:visit_id>/sessions/new/", sessions.session_new, name="session_new"),
    path("visits/<int:visit_id>/check/", sessions.check, name="check"),
    path("visits/<int:visit_id>/people.json", pickers.people_search, name="people_search"),
    path("sessions/<int:session_id>/edit/", sessions.session_edit, name="session_edit"),
    path("sessions/<int:session_id>/status/", sessions.session_status, name="session_status"),
    path("sessions/<int:session_id>/move/", board_actions.session_move, name="session_move"),
    path("sessions/<int:session_id>/cancel/", board_actions.session_cancel, name="session_cancel"),
    path("visits/<int:visit_id>/move/", board_actions.move, name="move"),
    path("visits/<int:visit_id>/copy-session/", board_actions.copy, name="copy"),
    path("visits/<int:visit_id>/bulk/", board_actions.bulk, name="bulk"),
    path("visits/<int:visit_id>/undo/", board_actions.undo, name="undo"),
    path("sessions/<int:session_id>/fix/", fixes.session_fix, name="session_fix"),
    path("visits/<int:visit_id>/publish/", publishing.publish, name="publish"),
    path("visits/<int:visit_id>/acknowledge/", publishing.acknowledge, name="acknowledge"),
    path("visits/<int:visit_id>/delivery/", publishing.delivery, name="delivery"),
    path("visits/<int:visit_id>/delivery.json", publishing.delivery_json, name="delivery_json"),
    path(
        "visits/<int:visit_id>/messages/<int:message_id>/send-again/",
        publishing.send_again,
        name="send_again",
    ),
    path("visits/<int:visit_id>/needs-you/", answers.visit_needs_you, name="needs_you"),
    path("experts/<int:expert_id>/accept/", answers.accept, name="proposal_accept"),
    path("experts/<int:expert_id>/refuse/", answers.refuse, name="proposal_refuse"),
    path("experts/<int:expert_id>/noted/", answers.note, name="answer_note"),
    path("experts/<int:expert_id>/replacements/", answers.replacements, name="replacements"),
    path(
        "interpreters/<int:interpreter_id>/noted/", answers.interpreter_note, name="interpreter_answer_note"
    ),
]
