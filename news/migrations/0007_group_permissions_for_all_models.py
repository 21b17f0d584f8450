"""Give 管理员 the permissions of the models that arrived after 0006 (the directory, the
programmes' figures, rooms and villages, publications) and of the login lock-outs (axes),
so that administrators can keep the directory data and unlock staff."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ADMINISTRATOR = "管理员"
ADMINISTRATOR_APPS = ["news", "members", "projects", "auth", "axes"]


def grant(apps, schema_editor):
    # Permissions are normally created after the whole migrate run; the group needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    administrator, _ = Group.objects.get_or_create(name=ADMINISTRATOR)
    administrator.permissions.add(*Permission.objects.filter(content_type__app_label__in=ADMINISTRATOR_APPS))


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0006_editorial_groups"),
        ("members", "0003_organisation_directory"),
        ("projects", "0002_programme_details"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
