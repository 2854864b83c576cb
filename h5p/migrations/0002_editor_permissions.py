"""Wagtail's Editors and Moderators groups may add, change and delete H5P activities.

The groups come from Wagtail's own data migrations, which give them pages, images and
documents; H5P activities are lesson content too, so the people who write lessons can edit them.
"""

from django.db import migrations

CODENAMES = {
    "add_h5pcontent": "Can add H5P activity",
    "change_h5pcontent": "Can change H5P activity",
    "delete_h5pcontent": "Can delete H5P activity",
}


def _permissions(apps):
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    content_type, _created = ContentType.objects.get_or_create(app_label="h5p", model="h5pcontent")
    return [
        Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )[0]
        for codename, name in CODENAMES.items()
    ]


def grant(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    permissions = _permissions(apps)
    for group in Group.objects.filter(name__in=["Editors", "Moderators"]):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    permissions = _permissions(apps)
    for group in Group.objects.filter(name__in=["Editors", "Moderators"]):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("h5p", "0001_initial"),
        # Wagtail's initial data migration creates the Editors and Moderators groups.
        ("wagtailcore", "0002_initial_data"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
