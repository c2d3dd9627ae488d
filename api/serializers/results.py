"""The shapes of what the actions answer and of every error, for the schema and for writing the answers."""

from typing import Any

from rest_framework import serializers

from api.serializers.fields import Text
from directory.member_import import ADD, CONFLICT, ERROR, UPDATE
from directory.tabular import MAX_FILE_BYTES, too_large_message
from notifications.models import OutboxMessage
from scheduling.conflicts import ConflictKind, Severity
from scheduling.models import ChangeKind, ChangeRecipient


class ConflictSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Stable while the same sessions clash in the same way.")
    kind = serializers.ChoiceField(choices=[(k.value, k.value) for k in ConflictKind])
    severity = serializers.ChoiceField(choices=[(s.value, s.value) for s in Severity])
    message = serializers.CharField()
    sessions = serializers.ListField(child=serializers.IntegerField())
    acknowledged = serializers.BooleanField()


class ConflictReportSerializer(serializers.Serializer):
    fatal = ConflictSerializer(many=True, help_text="Block publishing until resolved.")
    warnings = ConflictSerializer(many=True)
    open_warnings = serializers.IntegerField(help_text="Warnings nobody has acknowledged yet.")


class AcknowledgeSerializer(serializers.Serializer):
    key = Text(max_length=300, help_text="The `key` of a warning, from the visit's conflicts.")


class ProposalConflictsSerializer(serializers.Serializer):
    conflicts = ConflictSerializer(many=True)


class RecipientSerializer(serializers.Serializer):
    person = serializers.IntegerField()
    role = serializers.ChoiceField(choices=ChangeRecipient.Role.choices)
    action = serializers.ChoiceField(choices=ChangeRecipient.Action.choices)


class ChangeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ChangeKind.choices)
    session = serializers.IntegerField(help_text="The session's id (kept when the session is deleted).")
    session_title = serializers.CharField()
    sequence = serializers.IntegerField(help_text="The session's SEQUENCE after the change.")
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)
    recipients = RecipientSerializer(many=True)


class PublishResultSerializer(serializers.Serializer):
    published = serializers.BooleanField(help_text="False when nothing changed since the last version.")
    version = serializers.IntegerField(allow_null=True)
    summary = serializers.CharField(help_text="The change set in words.")
    changes = ChangeSerializer(many=True)


class PreviewRowSerializer(serializers.Serializer):
    kind = serializers.CharField()
    session = serializers.CharField()
    detail = serializers.CharField(allow_blank=True)
    people = serializers.CharField()


class PreviewSerializer(serializers.Serializer):
    summary = serializers.CharField()
    changes = PreviewRowSerializer(many=True)


class OutboxMessageSerializer(serializers.ModelSerializer):
    class Meta:
        model = OutboxMessage
        fields = [
            "id",
            "kind",
            "status",
            "visit",
            "person",
            "user",
            "session",
            "session_key",
            "sequence",
            "role",
            "to_email",
            "language",
            "version_number",
            "attempts",
            "last_error",
            "send_at",
            "sending_since",
            "sent_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(
        required=False, help_text="For a 400: the messages for each field; 'non_field_errors' for the rest."
    )
    current_version = serializers.IntegerField(
        required=False, allow_null=True, help_text="For a stale edit: the session's version now."
    )
    conflicts = ConflictSerializer(
        many=True, required=False, help_text="For a refused publication: the fatal conflicts."
    )


class MemberImportSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="CSV (UTF-8, `,` or `;`) or XLSX, at most 1 MB and 2,000 rows; the first row names the "
        "columns, in English or Swedish. `name` and `email` are required; people are matched by e-mail."
    )
    dry_run = serializers.BooleanField(
        default=False, help_text="Only say what each row would do; nothing is saved."
    )

    def validate_file(self, upload: Any) -> Any:
        if upload.size > MAX_FILE_BYTES:
            raise serializers.ValidationError(too_large_message())
        return upload


class RowErrorSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="The column, as the file's reader knows it.")
    message = serializers.CharField()


class ImportRowSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="The row's number as a spreadsheet shows it; the header is 1.")
    action = serializers.ChoiceField(
        choices=[(ADD, ADD), (UPDATE, UPDATE), (ERROR, ERROR), (CONFLICT, CONFLICT)],
        help_text="add: a new person; update: the person with this e-mail; error: skipped, see `errors`; "
        "conflict: the person is another coordinator's, skipped and left unchanged, see `errors`.",
    )
    errors = RowErrorSerializer(many=True)


class MemberImportResultSerializer(serializers.Serializer):
    imported = serializers.BooleanField(help_text="False for a dry run: nothing was saved.")
    added = serializers.IntegerField()
    updated = serializers.IntegerField()
    skipped = serializers.IntegerField(help_text="Rows with errors, which are not imported.")
    conflicts = serializers.IntegerField(
        help_text="Rows whose person is another coordinator's: not imported, and the person left unchanged."
    )
    ignored_headers = serializers.ListField(
        child=serializers.CharField(), help_text="Columns the import does not know, and left alone."
    )
    rows = ImportRowSerializer(many=True)
