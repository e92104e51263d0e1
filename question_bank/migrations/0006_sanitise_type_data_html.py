"""Item type data stored before its HTML was sanitised (matching questions, essay marker
information and template, hints, combined and per-answer feedback) is sanitised like the stem:
those texts are shown unescaped to learners and assessors. Rows already clean are not touched."""

from django.db import migrations


def sanitise(apps, schema_editor):
    from question_bank.items.content import _type_data_sanitised

    ItemVersion = apps.get_model("question_bank", "ItemVersion")
    for version in ItemVersion.objects.exclude(type_data={}).only("pk", "type_data").iterator():
        clean = _type_data_sanitised(version.type_data or {})
        if clean != version.type_data:
            ItemVersion.objects.filter(pk=version.pk).update(type_data=clean)


class Migration(migrations.Migration):
    dependencies = [("question_bank", "0005_item_step_difficulties")]

    operations = [migrations.RunPython(sanitise, migrations.RunPython.noop)]
