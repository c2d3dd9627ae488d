from django.urls import include, path

from directory.views import delegations, experts, member_import, members, people, venues

app_name = "directory"

member_patterns = [
    path("", members.member_list, name="members"),
    path("add/", members.member_add, name="member_add"),
    path("<int:member_id>/edit/", members.member_edit, name="member_edit"),
    path("<int:member_id>/remove/", members.member_remove_view, name="member_remove"),
    path("import/", member_import.import_upload, name="members_import"),
    path("import/confirm/", member_import.import_confirm, name="members_import_confirm"),
]

availability_patterns = [
    path("", experts.expert_availability, name="expert_availability"),
    path("exceptions/", experts.exception_add, name="expert_exception_add"),
    path("exceptions/<int:exception_id>/remove/", experts.exception_remove, name="expert_exception_remove"),
]

venue_patterns = [
    path("", venues.venue_detail, name="venue"),
    path("travel-times/", venues.travel_time_save, name="venue_travel_time"),
    path("travel-times/<int:other_id>/remove/", venues.travel_time_delete, name="venue_travel_time_remove"),
]

urlpatterns = [
    path("", delegations.index, name="index"),
    path("delegations/", delegations.delegation_list, name="delegations"),
    path("delegations/new/", delegations.delegation_new, name="delegation_new"),
    path("delegations/<int:delegation_id>/edit/", delegations.delegation_edit, name="delegation_edit"),
    path("delegations/<int:delegation_id>/delete/", delegations.delegation_delete, name="delegation_delete"),
    path("delegations/<int:delegation_id>/members/", include(member_patterns)),
    path("members-template.csv", member_import.import_template, name="members_import_template"),
    path("experts/", experts.expert_list, name="experts"),
    path("people/<int:person_id>/history/", people.person_history, name="person_history"),
    path("experts/<int:person_id>/availability/", include(availability_patterns)),
    path("venues/", venues.venue_list, name="venues"),
    path("venues/<int:venue_id>/", include(venue_patterns)),
]
