"""Demo content of the news app: the channel tree, the association's real article,
articles written from its facts, and optionally many synthetic sample articles."""

import random
import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.html import escape

from .demo_content.articles import ARTICLES
from .models import Article, Channel
from .search import reindex_article

SHANGHAI = ZoneInfo("Asia/Shanghai")
SEED_ARTICLE = Path(__file__).parent / "demo_content" / "seed-article.txt"

# slug, name, parent slug, description
CHANNELS = [
    ("org", "组织建设", None, "老促会的党建、班子建设和制度建设。"),
    ("work", "工作动态", None, "市县老促会的工作动态。"),
    ("work-city", "市会动态", "work", "延安市老促会的工作动态。"),
    ("county-news", "县区动态", "work", "13 个县区老促会的工作动态。"),
    ("notices", "通知公告", None, "延安市老促会发布的通知和公告。"),
    ("revitalisation", "乡村振兴", None, "助力老区乡村振兴的项目和成效。"),
    ("industry", "产业帮扶", "revitalisation", "富硒农业等产业帮扶。"),
    ("social-aid", "社会帮扶", "revitalisation", "红色书社、农村养老等社会帮扶。"),
    ("theory", "理论研究", None, "调研报告、理论文章和出版物。"),
]


def load_channels() -> dict[str, Channel]:
    """Create the channels that are missing; never overwrite what staff have changed."""
    channels: dict[str, Channel] = {}
    for order, (slug, name, parent, description) in enumerate(CHANNELS, start=1):
        channels[slug], _ = Channel.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "parent": channels[parent] if parent else None,
                "description": description,
                "order": order * 10,
                "show_in_nav": True,
            },
        )
    return channels


def _paragraphs_html(paragraphs: list[str]) -> str:
    html = []
    for paragraph in paragraphs:
        # Section headings of the seed article: 一、… 二、…
        tag = "h2" if re.match(r"^[一二三四五六七八九十]+、", paragraph) else "p"
        html.append(f"<{tag}>{escape(paragraph)}</{tag}>")
    return "\n".join(html)


def parse_seed_article(path: Path = SEED_ARTICLE) -> dict:
    """Read the association's real article (seed-article.txt) into article fields."""
    lines = [line.strip().replace("\u00a0", " ").strip() for line in path.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    title = lines[3]
    meta = lines[4]
    published = re.search(r"发布时间:(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)", meta).group(1)
    views = int(re.search(r"浏览量:(\d+)", meta).group(1))
    editor_index = next(i for i, line in enumerate(lines) if line.startswith("(责任编辑:"))
    editor = lines[editor_index].removeprefix("(责任编辑:").removesuffix(")")
    # lines[5:7] repeat the title in two lines and lines[7] is the byline.
    byline = lines[7]
    body_lines = lines[8:editor_index]
    return {
        "title": title,
        "published_at": datetime.strptime(published, "%Y-%m-%d %H:%M:%S").replace(tzinfo=SHANGHAI),
        "views": views,
        "responsible_editor": editor,
        "author": byline,
        "body": _paragraphs_html(body_lines),
        "summary": _summary(body_lines[0]),
    }


def _summary(paragraph: str, limit: int = 120) -> str:
    """The paragraph's whole sentences up to ``limit`` characters; a cut sentence ends in “…”."""
    if len(paragraph) <= limit:
        return paragraph
    sentence_end = paragraph.rfind("。", 0, limit)
    if sentence_end > 0:
        return paragraph[: sentence_end + 1]
    return paragraph[: limit - 1].rstrip(",、;: ") + "…"


def load_articles(channels: dict[str, Channel], counties: dict, programmes: dict) -> None:
    """Create the demo articles that are missing (by channel and title); edits and views are kept."""
    seed = parse_seed_article()
    Article.objects.get_or_create(
        title=seed["title"],
        channel=channels["org"],
        defaults={
            **seed,
            "source": "延安市老促会",
            "status": Article.Status.PUBLISHED,
            "is_headline": True,
            "is_pinned": True,
        },
    )
    for item in ARTICLES:
        article, created = Article.objects.get_or_create(
            title=item["title"],
            channel=channels[item["channel"]],
            defaults={
                "summary": item["summary"],
                "body": _paragraphs_html(item["paragraphs"]),
                "source": "延安市老促会",
                "author": "延安市老促会办公室",
                "responsible_editor": "李韵",
                "status": Article.Status.PUBLISHED,
                "published_at": datetime.strptime(item["published"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=SHANGHAI),
                "is_headline": item.get("headline", False),
                "is_pinned": item.get("pinned", False),
                "views": 0,
            },
        )
        if created:
            article.counties.set([counties[slug] for slug in item.get("counties", []) if slug in counties])
            article.programmes.set([programmes[slug] for slug in item.get("programmes", []) if slug in programmes])
            reindex_article(article)


SAMPLE_SENTENCES = [
    "{county}老促会组织会员深入乡村开展调研,听取群众对乡村振兴的意见建议。",
    "{county}红色乡村书社开展读书分享活动,村民和学生共同学习延安精神。",
    "{county}富硒农业示范基地迎来收获季,示范户增收明显。",
    "{county}老促会走访慰问老党员、老红军后代和困难群众。",
    "{county}组织志愿者开展义诊活动,为留守老人送去健康服务。",
    "{county}老促会召开工作会议,总结上半年工作并部署下一步任务。",
    "{county}海员培训班新一期学员顺利结业,全部实现就业。",
    "{county}重点老区村修缮革命旧址,讲好红色故事。",
]
SAMPLE_CHANNELS = ["county-news", "work-city", "industry", "social-aid", "org", "theory", "notices"]


def load_sample_articles(total: int, channels: dict[str, Channel], county_names: list[str], progress=None) -> int:
    """Ensure ``total`` synthetic sample articles exist (bulk inserts; fast enough for 100,000).

    Returns how many were created. Titles carry 示例 so nobody takes them for real news.
    """
    existing = Article.objects.filter(is_sample=True).count()
    missing = max(0, total - existing)
    if not missing:
        return 0
    rng = random.Random(42 + existing)
    start = datetime(2020, 1, 1, 8, 0, tzinfo=SHANGHAI)
    span = (datetime(2025, 12, 31, tzinfo=SHANGHAI) - start).total_seconds()
    names = county_names or ["延安"]
    batch: list[Article] = []
    for number in range(existing + 1, existing + missing + 1):
        county = rng.choice(names)
        sentences = [rng.choice(SAMPLE_SENTENCES).format(county=county) for _ in range(rng.randint(6, 10))]
        article = Article(
            title=f"示例文章 {number}:{sentences[0][:-1]}",
            channel=channels[rng.choice(SAMPLE_CHANNELS)],
            summary=sentences[0],
            # Generated text is plain and escaped; bulk_create skips save()'s sanitiser.
            body=_paragraphs_html(sentences),
            source="示例数据",
            responsible_editor="示例",
            status=Article.Status.PUBLISHED,
            published_at=start + timedelta(seconds=rng.random() * span),
            views=rng.randint(0, 500),
            is_sample=True,
        )
        # bulk_create skips save(): derive the search document here.
        article.update_search_document(tags=[article.channel.name])
        batch.append(article)
        if len(batch) >= 2000:
            _flush(batch, progress)
    _flush(batch, progress)
    return missing


def _flush(batch: list, progress) -> None:
    if batch:
        with transaction.atomic():
            Article.objects.bulk_create(batch)
        if progress:
            progress(len(batch))
        batch.clear()
