from django.core.management.base import BaseCommand, CommandError

from yanan_portal import cache as page_cache


class Command(BaseCommand):
    help = "让所有缓存的公开页面(及页脚、搜索筛选)失效,下次访问时重新生成:更新模板或恢复备份之后运行。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-replica-position",
            action="store_true",
            help=(
                "主库做了时间点恢复(同一数据库集群,WAL 位置回退)之后使用:按主库现在的位置重新记录,"
                "否则只读副本要等主库写过原来的位置才会被使用。恢复到新集群时不需要。"
            ),
        )

    def handle(self, *args, reset_replica_position=False, **options):
        page_cache.invalidate_public_pages(reset_replica_position=reset_replica_position)
        if not page_cache.generation_written():
            raise CommandError(
                "缓存服务器(Redis)未能写入新的页面缓存代号:请检查 CACHE_URL 和 Redis 后重新运行;"
                "否则缓存的页面要到 PAGE_CACHE_SECONDS 秒后才会失效。"
            )
        self.stdout.write("缓存的公开页面已全部失效,下次访问时重新生成。")
