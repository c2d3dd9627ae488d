"""The coordinators' notes on each delegation member move from visits.DelegationMember to ParticipantNeeds.

Every membership with a note on diet or on access gets a row with both notes, exactly as typed (blank ones
are left out, as they said nothing). Before visits' migration 0009 drops the columns; reversed, the notes go
back to the columns and the membership rows go.
"""

from django.db import migrations


def notes_to_needs(apps, schema_editor) -> None:
    member_model = apps.get_model("visits", "DelegationMember")
    needs_model = apps.get_model("participation", "ParticipantNeeds")
    members = member_model.objects.exclude(dietary_needs="", accessibility_needs="").order_by("pk")
    needs_model.objects.bulk_create(
        [
            needs_model(member_id=pk, dietary_note=dietary, accessibility_note=accessibility)
            for pk, dietary, accessibility in members.values_list(
                "pk", "dietary_needs", "accessibility_needs"
            ).iterator(chunk_size=2000)
        ],
        batch_size=500,
    )


def needs_to_notes(apps, schema_editor) -> None:
    member_model = apps.get_model("visits", "DelegationMember")
    needs_model = apps.get_model("participation", "ParticipantNeeds")
    rows = needs_model.objects.filter(member__isnull=False)
    members = []
    for member_id, dietary, accessibility in rows.values_list(
        "member_id", "dietary_note", "accessibility_note"
    ).iterator(chunk_size=2000):
        # The columns held 200 characters; a longer note (only the API's or the admin's) is cut there.
        members.append(
            member_model(pk=member_id, dietary_needs=dietary[:200], accessibility_needs=accessibility[:200])
        )
    member_model.objects.bulk_update(members, ["dietary_needs", "accessibility_needs"], batch_size=500)
    rows.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("participation", "0003_needs_of_members"),
    ]
    run_before = [
        ("visits", "0009_member_needs_moved"),
    ]

    operations = [
        migrations.RunPython(notes_to_needs, needs_to_notes),
    ]
