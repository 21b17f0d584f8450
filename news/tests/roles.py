"""Staff accounts in the three roles created by the 0003_editorial_groups migration."""

from django.contrib.auth.models import Group, User

EDITOR, PUBLISHER, ADMINISTRATOR = "编辑", "审核发布", "管理员"
PASSWORD = "correct-horse-battery-9"


def make_staff(username: str, role: str | None) -> User:
    user = User.objects.create_user(username, password=PASSWORD, is_staff=role is not None)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user
