from datetime import datetime
from zoneinfo import ZoneInfo

import html
import re

import pytest
from django.conf import settings
from django.apps import apps
from django.core.management import call_command

from news.models import Article, Channel

pytestmark = pytest.mark.django_db

SEED_TITLE = "陕西延安:不断加强自身建设 努力提升为老区发展服务能力"


def _snapshot() -> dict:
    """Every row of every model of our apps, as plain values."""
    snapshot = {}
    for app in ("news", "members", "projects"):
        for model in apps.get_app_config(app).get_models():
            snapshot[model._meta.label] = sorted(
                tuple(sorted((k, str(v)) for k, v in row.items() if k not in {"created_at", "updated_at"}))
                for row in model.objects.values()
            )
    return snapshot


def test_load_demo_twice_gives_the_same_data():
    call_command("load_demo", verbosity=0)
    first = _snapshot()
    call_command("load_demo", verbosity=0)
    assert _snapshot() == first
    assert Channel.objects.count() >= 6
    assert Article.objects.published().count() >= 21


def test_demo_has_the_channels_the_association_needs():
    call_command("load_demo", verbosity=0)
    names = set(Channel.objects.values_list("name", flat=True))
    assert {"组织建设", "工作动态", "通知公告", "县区动态", "乡村振兴", "理论研究"} <= names


def test_seed_article_keeps_its_real_metadata_and_full_text(reader):
    call_command("load_demo", verbosity=0)
    article = Article.objects.get(title=SEED_TITLE)
    assert article.channel.name == "组织建设"
    assert article.published_at == datetime(2024, 12, 2, 10, 27, 43, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert article.views == 63
    assert article.responsible_editor == "李韵"
    assert article.is_published and not article.is_sample
    for heading in ["一、牢记初心,坚定政治办会方向", "二、加强组织建设,打造高素质队伍", "三、加强作风建设,树立良好形象", "四、凝聚社会力量,助力老区振兴建设"]:
        assert f"<h2>{heading}</h2>" in article.body
    assert article.body.startswith("<p>陕西省延安市老促会成立于1993年")
    assert "是做好老促会工作的动力源泉。</p>" in article.body
    # Its summary (the home page's lead story) is whole sentences of the first paragraph.
    assert article.summary.startswith("陕西省延安市老促会成立于1993年") and article.summary.endswith("有单位理事85个。")
    assert len(article.summary) <= 120
    # Every paragraph of the original text, in order, and nothing else.
    source = (settings.BASE_DIR / "news" / "demo_content" / "seed-article.txt").read_text(encoding="utf-8")
    start, end = source.index("陕西省延安市老促会成立于1993年"), source.index("(责任编辑")
    paragraphs = [line.strip() for line in source[start:end].splitlines() if line.strip()]
    assert len(paragraphs) == 16
    rendered = re.findall(r"<(?:p|h2)>(.*?)</(?:p|h2)>", article.body)
    assert [html.unescape(text) for text in rendered] == paragraphs

    page = reader.get(article.get_absolute_url()).text
    assert "2024-12-02 10:27:43" in page and "浏览量:64" in page and "(责任编辑:李韵)" in page


def test_sample_articles_are_added_in_bulk_and_marked():
    call_command("load_demo", verbosity=0)
    call_command("load_demo", articles=50, verbosity=0)
    samples = Article.objects.filter(is_sample=True)
    assert samples.count() == 50
    assert all(title.startswith("示例文章") for title in samples.values_list("title", flat=True))
    call_command("load_demo", articles=50, verbosity=0)
    assert samples.count() == 50  # "N articles" is a total, so a second run adds nothing


def test_demo_does_not_overwrite_what_staff_changed():
    call_command("load_demo", verbosity=0)
    Article.objects.filter(title=SEED_TITLE).update(views=1000, summary="编辑改过的摘要")
    call_command("load_demo", verbosity=0)
    article = Article.objects.get(title=SEED_TITLE)
    assert (article.views, article.summary) == (1000, "编辑改过的摘要")


@pytest.mark.parametrize(
    ("option", "environment", "shown"),
    [
        ("option-password-1", None, "(--password 所给)"),
        (None, "env-password-1", "(来自 ADMIN_PASSWORD)"),
        (None, None, None),  # generated, printed once
    ],
)
def test_ensure_admin_says_where_the_password_came_from_and_never_echoes_a_given_one(monkeypatch, option, environment, shown):
    from io import StringIO

    from django.contrib.auth import authenticate

    if environment:
        monkeypatch.setenv("ADMIN_PASSWORD", environment)
    else:
        monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
    out = StringIO()
    call_command("ensure_admin", *(["--password", option] if option else []), stdout=out)
    printed = out.getvalue()
    if shown:
        assert shown in printed
        assert (option or environment) not in printed
        assert authenticate(username="admin", password=option or environment)
    else:
        generated = re.search(r"密码:(\S+)", printed).group(1)
        assert authenticate(username="admin", password=generated)
    out = StringIO()
    call_command("ensure_admin", stdout=out)
    assert "已有管理员账号" in out.getvalue()
