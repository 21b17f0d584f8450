import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "若没有管理员则创建一个(用户名 admin),密码取自 ADMIN_PASSWORD 或随机生成并只显示一次。"

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--password", default=None, help="默认读取环境变量 ADMIN_PASSWORD。")

    def handle(self, *args, username, password, **options):
        import os

        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("已有管理员账号,未作改动。")
            return
        if password:
            shown = "(--password 所给)"
        elif os.environ.get("ADMIN_PASSWORD"):
            password, shown = os.environ["ADMIN_PASSWORD"], "(来自 ADMIN_PASSWORD)"
        else:
            password = shown = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(self.style.WARNING(f"已创建管理员 用户名:{username} 密码:{shown}  请妥善保存,此密码只显示这一次。"))
