"""The three staff roles. Their model permissions are applied after every migrate by
``casework.permissions.signals`` (permissions of models added later do not exist yet at this point)."""

from django.db import migrations

ROLES = ("Servizio sociale comunale", "Operatore agenzia", "Responsabile PAL")


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
