from django.core.management.base import BaseCommand
from django.db import transaction
from tqdm import tqdm

from news.models import Article


class Command(BaseCommand):
    help = "重建全部文章的检索索引(导入文章或修改检索词典 news/search_dict.txt 之后运行)。"

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, metavar="N", help="每批处理的文章数。")

    def handle(self, *args, batch_size: int, **options):
        batch_size = max(1, batch_size)
        articles = (
            Article.objects.select_related("channel")
            .prefetch_related("counties", "programmes")
            .order_by("pk")
        )
        total = articles.count()
        batch: list[Article] = []
        with tqdm(total=total, desc="检索索引", unit="篇", disable=options["verbosity"] == 0) as bar:
            for article in articles.iterator(chunk_size=batch_size):
                tags = [article.channel.name]
                tags += [county.name for county in article.counties.all()]
                tags += [programme.name for programme in article.programmes.all()]
                article.update_search_document(tags=tags)
                batch.append(article)
                if len(batch) >= batch_size:
                    bar.update(self._write(batch))
            bar.update(self._write(batch))
        self.stdout.write(self.style.SUCCESS(f"已重建 {total} 篇文章的检索索引。"))

    def _write(self, batch: list[Article]) -> int:
        written = len(batch)
        if batch:
            with transaction.atomic():
                Article.objects.bulk_update(batch, ["search_text", "search_vector"])
            batch.clear()
        return written
