"""The three staff roles of the newsroom, with their permissions (see docs/editorial.md)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR = "编辑"
PUBLISHER = "审核发布"
ADMINISTRATOR = "管理员"

EDITOR_PERMISSIONS = [
    ("news", "add_article"),
    ("news", "change_article"),
    ("news", "view_article"),
    ("news", "view_historicalarticle"),
    ("news", "add_attachment"),
    ("news", "change_attachment"),
    ("news", "delete_attachment"),
    ("news", "view_attachment"),
    ("news", "view_channel"),
    ("news", "view_articleevent"),
    ("members", "view_countybranch"),
    ("projects", "view_programme"),
]
PUBLISHER_PERMISSIONS = EDITOR_PERMISSIONS + [("news", "publish_article")]
# Everything in the portal's own apps, plus staff accounts and roles.
ADMINISTRATOR_APPS = ["news", "members", "projects", "auth"]


def create_groups(apps, schema_editor):
    # Permissions are normally created after the whole migrate run; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permissions(pairs):
        found = []
        for app_label, codename in pairs:
            found.extend(
                Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )
        return found

    editor, _ = Group.objects.get_or_create(name=EDITOR)
    editor.permissions.add(*permissions(EDITOR_PERMISSIONS))
    publisher, _ = Group.objects.get_or_create(name=PUBLISHER)
    publisher.permissions.add(*permissions(PUBLISHER_PERMISSIONS))
    administrator, _ = Group.objects.get_or_create(name=ADMINISTRATOR)
    administrator.permissions.add(
        *Permission.objects.filter(content_type__app_label__in=ADMINISTRATOR_APPS)
    )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=[EDITOR, PUBLISHER, ADMINISTRATOR]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("members", "0002_thirteen_counties"),
        ("projects", "0001_initial"),
        ("news", "0005_editorial_workflow"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
