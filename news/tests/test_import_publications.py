"""``manage.py import_publications DIR``: good rows imported, bad rows reported, idempotent."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from members.models import CountyBranch
from news.publications import Publication, TableOfContentsEntry
from projects.models import Programme

from .factories import MINIMAL_PDF, PublicationFactory

pytestmark = pytest.mark.django_db

HEADER = ["文件", "类别", "标题", "期号", "年份", "月份", "县区", "项目", "评价", "状态", "封面", "目录"]


def write_folder(folder, rows, *, encoding="utf-8-sig"):
    (folder / "63.pdf").write_bytes(MINIMAL_PDF)
    (folder / "history.pdf").write_bytes(MINIMAL_PDF)
    (folder / "fake.pdf").write_text("<!DOCTYPE html><html><body>登录页面</body></html>", encoding="utf-8")
    (folder / "empty.pdf").write_bytes(b"")
    cover = io.BytesIO()
    Image.new("RGB", (300, 400), "red").save(cover, format="JPEG")
    (folder / "63.jpg").write_bytes(cover.getvalue())
    with (folder / "publications.csv").open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)


GOOD = [
    ["63.pdf", "期刊", "《延安老区建设》总第63期", "63", "2024", "12", "", "富硒功能农业", "", "发布", "63.jpg",
     "卷首语|编辑部|1;富硒苹果获奖|王某|3"],
    ["history.pdf", "县史", "《革命老区县发展史·宝塔区卷》", "", "2021", "", "宝塔区、延川县", "", "", "", "", ""],
]
BAD = [
    ["fake.pdf", "期刊", "《改名的网页》", "1", "2020", "", "", "", "", "", "", ""],
    ["empty.pdf", "期刊", "《空文件》", "2", "2020", "", "", "", "", "", "", ""],
    ["missing.pdf", "期刊", "《找不到的文件》", "3", "2020", "", "", "", "", "", "", ""],
    ["63.pdf", "杂志", "《类别不对》", "", "2020", "", "", "", "", "", "", ""],
    ["63.pdf", "期刊", "《年份不对》", "", "二〇二〇", "", "", "", "", "", "", ""],
    ["63.pdf", "期刊", "《月份不对》", "", "2020", "13", "", "", "", "", "", ""],
    ["63.pdf", "县史", "《县区不对》", "", "2020", "", "火星县", "", "", "", "", ""],
    ["../secret.pdf", "期刊", "《目录外的文件》", "", "2020", "", "", "", "", "", "", ""],
    ["63.pdf", "期刊", "", "", "2020", "", "", "", "", "", "", ""],
]


@pytest.fixture
def folder(tmp_path):
    Programme.objects.create(name="富硒功能农业", slug="selenium")
    archive = tmp_path / "archive"
    archive.mkdir()
    (tmp_path / "secret.pdf").write_bytes(MINIMAL_PDF)
    write_folder(archive, GOOD + BAD)
    return archive


def snapshot():
    return sorted(
        (p.kind, p.title, p.number, p.year, p.month, p.status, p.pdf.name, p.pdf_size,
         tuple(p.counties.values_list("slug", flat=True)), tuple(p.programmes.values_list("slug", flat=True)),
         tuple(p.toc_entries.values_list("title", "author", "page")))
        for p in Publication.objects.all()
    )


def test_imports_good_rows_reports_bad_ones_and_is_idempotent(folder):
    out = io.StringIO()
    call_command("import_publications", str(folder), stdout=out, verbosity=0)
    report = out.getvalue()
    assert "新导入 2 种,已存在未改动 0 种,跳过 9 行。" in report
    expected_reasons = {
        3: "PDF 文件:这不是 PDF 文件",
        4: "文件是空的",
        5: "找不到PDF 文件“missing.pdf”",
        6: "类别“杂志”无法识别",
        7: "年份“二〇二〇”不是数字",
        8: "月份:确保该值小于或等于12",
        9: "县区“火星县”不存在",
        10: "不在导入目录中",
        11: "缺少标题",
    }
    for line, reason in expected_reasons.items():
        matching = [row for row in report.splitlines() if f"跳过第 {line + 1} 行" in row]
        assert matching and reason in matching[0], (line, report)

    issue = Publication.objects.get(title="《延安老区建设》总第63期")
    assert issue.is_published and issue.number == 63 and issue.month == 12
    assert issue.pdf_size == len(MINIMAL_PDF) and issue.cover_thumb
    assert list(issue.programmes.values_list("slug", flat=True)) == ["selenium"]
    assert list(issue.toc_entries.values_list("title", "author", "page")) == [("卷首语", "编辑部", 1), ("富硒苹果获奖", "王某", 3)]
    history = Publication.objects.get(kind=Publication.Kind.COUNTY_HISTORY)
    assert history.status == Publication.Status.DRAFT  # no status: staff check it, then publish
    assert set(history.counties.values_list("name", flat=True)) == {"宝塔区", "延川县"}

    first = snapshot()
    files = sorted(p.name for p in (folder.parent).rglob("*") if p.is_file())
    again = io.StringIO()
    call_command("import_publications", str(folder), stdout=again, verbosity=0)
    assert "新导入 0 种,已存在未改动 2 种,跳过 9 行。" in again.getvalue()
    assert snapshot() == first
    assert TableOfContentsEntry.objects.count() == 2
    assert sorted(p.name for p in (folder.parent).rglob("*") if p.is_file()) == files


def test_existing_publication_is_never_overwritten(folder):
    PublicationFactory(title="《延安老区建设》总第63期", summary="工作人员写的简介", number=630)
    call_command("import_publications", str(folder), stdout=io.StringIO(), verbosity=0)
    kept = Publication.objects.get(title="《延安老区建设》总第63期")
    assert kept.summary == "工作人员写的简介" and kept.number == 630


def test_publish_flag_publishes_rows_without_status(folder):
    call_command("import_publications", str(folder), "--publish", stdout=io.StringIO(), verbosity=0)
    assert Publication.objects.get(kind=Publication.Kind.COUNTY_HISTORY).is_published


def test_gb18030_csv_from_excel_and_english_headers(tmp_path):
    write_folder(tmp_path, [GOOD[1]], encoding="gb18030")
    call_command("import_publications", str(tmp_path), stdout=io.StringIO(), verbosity=0)
    assert Publication.objects.filter(title="《革命老区县发展史·宝塔区卷》").exists()
    (tmp_path / "publications.csv").write_text("file,kind,title,year\nhistory.pdf,report,《英文表头》,2020\n", encoding="utf-8")
    call_command("import_publications", str(tmp_path), stdout=io.StringIO(), verbosity=0)
    assert Publication.objects.get(title="《英文表头》").kind == "report"


def test_folder_problems_are_command_errors(tmp_path):
    with pytest.raises(CommandError, match="文件夹不存在"):
        call_command("import_publications", str(tmp_path / "nowhere"))
    with pytest.raises(CommandError, match="CSV"):
        call_command("import_publications", str(tmp_path))
    (tmp_path / "publications.csv").write_text("名称,年\nx,2020\n", encoding="utf-8")
    with pytest.raises(CommandError, match="缺少"):
        call_command("import_publications", str(tmp_path))
    assert not Publication.objects.exists()
    assert CountyBranch.objects.count() == 13
