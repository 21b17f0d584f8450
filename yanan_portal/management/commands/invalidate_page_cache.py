from django.core.management.base import BaseCommand

from yanan_portal.cache import invalidate_public_pages


class Command(BaseCommand):
    help = "让所有缓存的公开页面失效(新的页面缓存代号):更新模板或恢复备份之后运行。"

    def handle(self, *args, **options):
        invalidate_public_pages()
        self.stdout.write("缓存的公开页面已全部失效,下次访问时重新生成。")
