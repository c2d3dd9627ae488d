"""The agency's first evaluation questions and its settings row (anonymous answers), for agency admins to
change in the admin."""

from django.db import migrations

QUESTIONS = [
    (
        "rating",
        True,
        "How useful was the programme for your work?",
        "Hur användbart var programmet för ditt arbete?",
    ),
    (
        "rating",
        False,
        "How well did the meetings and site visits match what you wanted to learn?",
        "Hur väl motsvarade mötena och studiebesöken det du ville lära dig?",
    ),
    (
        "rating",
        False,
        "How good were the practical arrangements (travel, venues, interpreting)?",
        "Hur bra var de praktiska arrangemangen (resor, lokaler, tolkning)?",
    ),
    (
        "text",
        False,
        "What will you take home and use in your own work?",
        "Vad tar du med dig hem och använder i ditt eget arbete?",
    ),
    (
        "text",
        False,
        "What should we do differently next time?",
        "Vad borde vi göra annorlunda nästa gång?",
    ),
]


def seed(apps, schema_editor):
    Question = apps.get_model("evaluations", "Question")
    EvaluationSettings = apps.get_model("evaluations", "EvaluationSettings")
    if not Question.objects.exists():
        Question.objects.bulk_create(
            Question(kind=kind, required=required, text_en=en, text_sv=sv, order=10 * (n + 1))
            for n, (kind, required, en, sv) in enumerate(QUESTIONS)
        )
    if not EvaluationSettings.objects.exists():
        EvaluationSettings.objects.create(anonymous=True)


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
