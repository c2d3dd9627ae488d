from django.urls import path

from directory.views import delegations, experts, member_import, members, venues

app_name = "directory"

urlpatterns = [
    path("", delegations.index, name="index"),
    path("delegations/", delegations.delegation_list, name="delegations"),
    path("delegations/<int:delegation_id>/members/", members.member_list, name="members"),
    path("delegations/<int:delegation_id>/members/add/", members.member_add, name="member_add"),
    path(
        "delegations/<int:delegation_id>/members/<int:member_id>/edit/",
        members.member_edit,
        name="member_edit",
    ),
    path(
        "delegations/<int:delegation_id>/members/<int:member_id>/remove/",
        members.member_remove_view,
        name="member_remove",
    ),
    path(
        "delegations/<int:delegation_id>/members/import/",
        member_import.import_upload,
        name="members_import",
    ),
    path(
        "delegations/<int:delegation_id>/members/import/confirm/",
        member_import.import_confirm,
        name="members_import_confirm",
    ),
    path("members-template.csv", member_import.import_template, name="members_import_template"),
    path("experts/", experts.expert_list, name="experts"),
    path("experts/<int:person_id>/availability/", experts.expert_availability, name="expert_availability"),
    path(
        "experts/<int:person_id>/availability/exceptions/",
        experts.exception_add,
        name="expert_exception_add",
    ),
    path(
        "experts/<int:person_id>/availability/exceptions/<int:exception_id>/remove/",
        experts.exception_remove,
        name="expert_exception_remove",
    ),
    path("venues/", venues.venue_list, name="venues"),
    path("venues/<int:venue_id>/", venues.venue_detail, name="venue"),
    path("venues/<int:venue_id>/travel-times/", venues.travel_time_save, name="venue_travel_time"),
    path(
        "venues/<int:venue_id>/travel-times/<int:other_id>/remove/",
        venues.travel_time_delete,
        name="venue_travel_time_remove",
    ),
]
