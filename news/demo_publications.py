"""Demo content of the publications library, built from FACTS.md.

The titles of the four major surveys, the named surveys, the magazine and the county
histories are real; their years, tables of contents and PDFs are not given by the facts,
so those records are marked as sample data (``is_sample``, shown as 示例 on the page).
Idempotent: records are found by kind and title and never overwritten.
"""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

from .models import Article
from .publications import Publication, PublicationStat, TableOfContentsEntry

SHANGHAI = ZoneInfo("Asia/Shanghai")
PUBLISHED_AT = datetime(2024, 12, 2, 10, 0, tzinfo=SHANGHAI)
CITY = "延安市老区建设促进会"
WITH_NATIONAL = "中国老区建设促进会、陕西省老区建设促进会、延安市老区建设促进会"

# key, label, value, unit, kind — the figures of FACTS.md, editable in the admin.
STATS = [
    ("magazine-issues", "《延安老区建设》已出版", 63, "期", Publication.Kind.MAGAZINE),
    ("magazine-copies", "《延安老区建设》累计印发", 75600, "册", Publication.Kind.MAGAZINE),
    ("reports", "市县老促会调研报告", 308, "篇", Publication.Kind.REPORT),
    ("excellent-reports", "评为优秀调研报告", 31, "篇", Publication.Kind.REPORT),
    ("report-volumes", "汇编《调研报告》", 16, "卷", Publication.Kind.COMPILATION),
    ("report-copies", "《调研报告》印发", 8000, "册", Publication.Kind.COMPILATION),
    ("county-histories", "《革命老区县发展史》", 13, "卷", Publication.Kind.COUNTY_HISTORY),
]

# kind, title, number, year, month, publisher, summary, counties, programmes, related article titles, toc
PUBLICATIONS = [
    (
        Publication.Kind.MAGAZINE, "《延安老区建设》总第63期", 63, 2024, 12, CITY,
        "延安市老促会会刊《延安老区建设》,至今共出版63期、印发75600册。(示例:本期目录和 PDF 为演示而设。)",
        [], ["selenium", "seafarers"],
        ["《延安老区建设》杂志累计印发63期75600份"],
        [
            ("第七届中国富硒农业发展大会在济南召开 延安9个产品获“中国富硒好产品”奖", "本刊编辑部", 3),
            ("《延安没有一滴海水的海员城》:延安海员培训走向全国", "本刊编辑部", 9),
            ("示例:县区老促会工作交流", "示例作者", 15),
        ],
    ),
    (
        Publication.Kind.MAGAZINE, "《延安老区建设》总第62期", 62, 2024, 8, CITY,
        "(示例)会刊《延安老区建设》一期,目录和 PDF 为演示而设。", [], ["reading-rooms"], [],
        [("红色乡村(校园)书社援助行动:已启动35个书社", "本刊编辑部", 2), ("示例:乡村振兴一线见闻", "示例作者", 11)],
    ),
    (
        Publication.Kind.MAGAZINE, "《延安老区建设》总第61期", 61, 2024, 4, CITY,
        "(示例)会刊《延安老区建设》一期,目录和 PDF 为演示而设。", [], ["ten-towns"], [],
        [("十镇百村:重点老区镇村在乡村振兴中优先发展", "本刊编辑部", 2)],
    ),
    (
        Publication.Kind.REPORT, "《革命老区县域(乡村)基本公共服务设施建设情况报告》", None, 2023, None, WITH_NATIONAL,
        "与中国老促会、陕西省老促会共同开展的四项重大调研之一。(示例:年份和 PDF 为演示而设。)", [], [], [], [],
    ),
    (
        Publication.Kind.REPORT, "《延安市革命老区乡村振兴领域有关政策执行情况及效果分析报告》", None, 2023, None, WITH_NATIONAL,
        "与中国老促会、陕西省老促会共同开展的四项重大调研之一。(示例:年份和 PDF 为演示而设。)", [], [], [], [],
    ),
    (
        Publication.Kind.REPORT, "《延安红色资源保护利用和巩固脱贫成果工作报告》", None, 2022, None, WITH_NATIONAL,
        "与中国老促会、陕西省老促会共同开展的四项重大调研之一。(示例:年份和 PDF 为演示而设。)", [], [], [], [],
    ),
    (
        Publication.Kind.REPORT, "《陕北小杂粮生产发展的现状与对策》", None, 2022, None, WITH_NATIONAL,
        "与中国老促会、陕西省老促会共同开展的四项重大调研之一。(示例:年份和 PDF 为演示而设。)", [], [], [], [],
    ),
    (
        Publication.Kind.REPORT, "《“十镇百村千户”调研报告》", None, 2023, None, CITY,
        "围绕十镇百村重点老区镇村开展的“十镇百村千户”调研。(示例:年份、内容和 PDF 为演示而设。)",
        [], ["ten-towns"], ["十镇百村:重点老区镇村在乡村振兴中优先发展"], [],
    ),
    (
        Publication.Kind.REPORT, "《脱贫群众增强内生动力调研报告》", None, 2022, None, CITY,
        "“脱贫群众增强内生动力”专题调研。(示例:年份、内容和 PDF 为演示而设。)", [], [], [], [],
    ),
    (
        Publication.Kind.REPORT, "《延安市富硒农业示范推广情况调研》", None, 2024, None, CITY,
        "富硒功能农业示范推广七年的情况调研:面积由150亩扩大到1.4万亩,产品由3个增加到18个。(示例:年份和 PDF 为演示而设。)",
        [], ["selenium"], ["富硒功能农业示范推广连续七年 从150亩到1.4万亩"], [],
    ),
    (
        Publication.Kind.COMPILATION, "《调研报告》第16卷", 16, 2024, None, CITY,
        "市县老促会调研报告汇编,共16卷、印发8000册,收录调研报告308篇。(示例:本卷年份、目录和 PDF 为演示而设。)",
        [], [], ["市县老促会累计形成调研报告308份 汇编《调研报告》16辑"],
        [("《延安市富硒农业示范推广情况调研》", "延安市老促会", 1), ("示例:县区调研报告", "示例作者", 21)],
    ),
    (
        Publication.Kind.COMPILATION, "《调研报告》第15卷", 15, 2023, None, CITY,
        "市县老促会调研报告汇编。(示例:本卷年份、目录和 PDF 为演示而设。)", [], [], [], [],
    ),
    (
        Publication.Kind.COUNTY_HISTORY, "《革命老区县发展史·宝塔区卷》", None, 2021, None, "宝塔区老区建设促进会",
        "《革命老区县发展史》为延安13个县区各编一卷,记述老区县的革命历史和发展历程。(示例:本卷年份和 PDF 为演示而设。)",
        ["baota"], [], [], [],
    ),
    (
        Publication.Kind.COUNTY_HISTORY, "《革命老区县发展史·延川县卷》", None, 2021, None, "延川县老区建设促进会",
        "《革命老区县发展史》延川县卷。(示例:本卷年份和 PDF 为演示而设。)", ["yanchuan"], [], [], [],
    ),
]

_COLOURS = {
    Publication.Kind.MAGAZINE: (164, 22, 26),
    Publication.Kind.REPORT: (11, 79, 138),
    Publication.Kind.COMPILATION: (46, 96, 60),
    Publication.Kind.COUNTY_HISTORY: (110, 70, 20),
    Publication.Kind.OTHER: (70, 70, 70),
}
_LATIN = {
    Publication.Kind.MAGAZINE: "YAN'AN LAOQU JIANSHE",
    Publication.Kind.REPORT: "RESEARCH REPORT",
    Publication.Kind.COMPILATION: "DIAOYAN BAOGAO",
    Publication.Kind.COUNTY_HISTORY: "COUNTY HISTORY",
    Publication.Kind.OTHER: "PUBLICATION",
}


def _cover_image(kind: str, number: int | None, year: int) -> Image.Image:
    """A plain sample cover (the machine has no CJK font, so the lettering is Latin)."""
    image = Image.new("RGB", (600, 800), _COLOURS[kind])
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 560, 760), outline=(255, 255, 255), width=6)
    big = ImageFont.load_default(size=44)
    small = ImageFont.load_default(size=30)
    draw.text((300, 260), _LATIN[kind], font=small, fill=(255, 255, 255), anchor="mm")
    draw.text((300, 400), f"No. {number}" if number else "SAMPLE", font=big, fill=(255, 255, 255), anchor="mm")
    draw.text((300, 520), str(year), font=big, fill=(255, 255, 255), anchor="mm")
    draw.text((300, 700), "SAMPLE", font=small, fill=(255, 230, 150), anchor="mm")
    return image


def cover_jpeg(kind: str, number: int | None, year: int) -> bytes:
    buffer = io.BytesIO()
    _cover_image(kind, number, year).save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def sample_pdf(kind: str, number: int | None, year: int) -> bytes:
    """A small, valid two-page PDF (cover and a sample page) that any PDF viewer opens."""
    cover = _cover_image(kind, number, year)
    page = Image.new("RGB", (600, 800), (255, 255, 255))
    draw = ImageDraw.Draw(page)
    draw.text((60, 80), "SAMPLE PDF - demo content of the portal", font=ImageFont.load_default(size=24), fill=(0, 0, 0))
    buffer = io.BytesIO()
    cover.save(buffer, format="PDF", save_all=True, append_images=[page], resolution=72)
    return buffer.getvalue()


def load(counties: dict, programmes: dict) -> None:
    """Create the missing figures and publications; what staff changed is left alone."""
    for order, (key, label, value, unit, kind) in enumerate(STATS, start=1):
        PublicationStat.objects.get_or_create(
            key=key, defaults={"label": label, "value": value, "unit": unit, "kind": kind, "order": order * 10}
        )
    articles = {a.title: a for a in Article.objects.published().filter(is_sample=False).only("id", "title")}
    for kind, title, number, year, month, publisher, summary, county_slugs, programme_slugs, related, toc in PUBLICATIONS:
        if Publication.objects.filter(kind=kind, title=title).exists():
            continue
        slug = f"{kind}-{number or year}"
        publication = Publication(
            kind=kind,
            title=title,
            number=number,
            year=year,
            month=month,
            publisher=publisher,
            summary=summary,
            status=Publication.Status.PUBLISHED,
            published_at=PUBLISHED_AT,
            is_sample=True,
        )
        publication.cover = ContentFile(cover_jpeg(kind, number, year), name=f"{slug}.jpg")
        publication.pdf = ContentFile(sample_pdf(kind, number, year), name=f"{slug}.pdf")
        publication.save()
        publication.counties.set([counties[s] for s in county_slugs if s in counties])
        publication.programmes.set([programmes[s] for s in programme_slugs if s in programmes])
        publication.related_articles.set([articles[t] for t in related if t in articles])
        TableOfContentsEntry.objects.bulk_create(
            TableOfContentsEntry(
                publication=publication, title=entry_title, author=author, page=page, order=order * 10,
                article=articles.get(entry_title),
            )
            for order, (entry_title, author, page) in enumerate(toc, start=1)
        )
