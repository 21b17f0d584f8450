from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from news.publication_services import find_csv, import_publications, read_metadata


class Command(BaseCommand):
    help = (
        "从一个文件夹批量导入出版物:文件夹里放 PDF(可选封面图片)和一个 CSV 元数据文件。"
        "已存在的出版物(类别和标题相同)不会被改动,可以重复运行。"
        " Import a folder of PDFs described by a CSV; running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="放 PDF 和 CSV 的文件夹")
        parser.add_argument("--csv", type=Path, default=None, help="CSV 文件(默认:文件夹中的 publications.csv)")
        parser.add_argument(
            "--publish", action="store_true", help="状态列为空的行直接发布(默认存为草稿,由工作人员检查后发布)"
        )

    def handle(self, *args, directory: Path, csv: Path | None, publish: bool, **options):
        if not directory.is_dir():
            raise CommandError(f"文件夹不存在:{directory}")
        try:
            rows = read_metadata(csv or find_csv(directory))
        except (OSError, ValueError) as error:
            raise CommandError(str(error))
        with tqdm(total=len(rows), desc="导入出版物", unit="行", disable=options["verbosity"] == 0) as bar:
            report = import_publications(directory=directory, rows=rows, publish=publish, progress=bar.update)
        self.stdout.write(self.style.SUCCESS(f"新导入 {len(report.created)} 种,已存在未改动 {len(report.existing)} 种,跳过 {len(report.skipped)} 行。"))
        for line, label, reason in report.skipped:
            self.stdout.write(self.style.WARNING(f"  跳过第 {line} 行({label}):{reason}"))
