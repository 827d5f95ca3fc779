"""Load the shipped exercise library and program templates (programs.library) with clinic=NULL.

Rows are matched by `key`, so running the sync again (a later migration after the library
changes) updates them in place; programs that prescribe them keep pointing at the same rows.
"""

from django.db import migrations

from programs import library


def sync_library(apps, schema_editor):
    Exercise = apps.get_model("programs", "Exercise")
    ProgramTemplate = apps.get_model("programs", "ProgramTemplate")
    TemplateItem = apps.get_model("programs", "TemplateItem")
    dosage_fields = (
        "sets",
        "reps",
        "hold_seconds",
        "duration_minutes",
        "times_per_day",
        "days_per_week",
    )

    exercises = {}
    for entry in library.EXERCISES:
        values = {
            "name": entry.name,
            "purpose": entry.purpose,
            "steps": list(entry.steps),
            "category": entry.category,
            "direction": entry.direction,
            "difficulty": entry.difficulty,
            "cautions": entry.cautions,
            "is_active": True,
            **{f: getattr(entry.dosage, f) for f in dosage_fields},
        }
        exercise, _ = Exercise.objects.update_or_create(clinic=None, key=entry.key, defaults=values)
        exercises[entry.key] = exercise

    for entry in library.TEMPLATES:
        template, _ = ProgramTemplate.objects.update_or_create(
            clinic=None,
            key=entry.key,
            defaults={
                "name": entry.name,
                "description": entry.description,
                "pathway": entry.pathway,
                "position": entry.position,
                "duration_weeks": entry.duration_weeks,
                "progression_notes": entry.progression_notes,
                "is_active": True,
            },
        )
        template.items.all().delete()
        for order, item in enumerate(entry.items):
            exercise = exercises[item.exercise]
            dosage = item.dosage or library.Dosage(
                **{f: getattr(exercise, f) for f in dosage_fields}
            )
            TemplateItem.objects.create(
                template=template,
                exercise=exercise,
                order=order,
                notes=item.notes,
                **{f: getattr(dosage, f) for f in dosage_fields},
            )


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]

    operations = [migrations.RunPython(sync_library, migrations.RunPython.noop)]
