from django.core.management.base import BaseCommand
from django.db import transaction
from tqdm import tqdm

from members import demo as members_demo
from news import demo as news_demo
from news import demo_publications as news_demo_publications  # publications library (issue 7)
from projects import demo as projects_demo


class Command(BaseCommand):
    help = "载入演示内容(可重复运行,结果相同)。Load the demo content; running it again changes nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--articles",
            type=int,
            default=0,
            metavar="N",
            help="确保共有 N 篇标记为“示例”的合成文章(用于性能测试,例如 100000)。",
        )

    def handle(self, *args, articles: int, **options):
        if articles < 0:
            self.stderr.write("--articles 不能为负数。")
            return
        with transaction.atomic():
            counties = members_demo.load(self)
            programmes = projects_demo.load(self)
            channels = news_demo.load_channels()
            news_demo.load_articles(channels, counties, programmes)
            news_demo_publications.load(counties, programmes)  # publications library (issue 7)
            # projects: figures, milestones, rooms, villages, awards (after the articles they cite)
            projects_demo.load_details(counties, self)
        self.stdout.write(self.style.SUCCESS("演示内容已载入:栏目、文章、县区、项目。"))
        if articles:
            with tqdm(total=articles, desc="示例文章", unit="篇", disable=options["verbosity"] == 0) as bar:
                bar.update(min(articles, news_demo.Article.objects.filter(is_sample=True).count()))
                created = news_demo.load_sample_articles(
                    articles, channels, [c.name for c in counties.values()], progress=bar.update
                )
            self.stdout.write(self.style.SUCCESS(f"新增示例文章 {created} 篇。"))
