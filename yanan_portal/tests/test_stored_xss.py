"""Stored XSS: a corpus of payloads through every rich-text field, rendered publicly and in the admin.

The fields are discovered (every ProseEditorField of every model), so rich text added later
is covered without touching this file.
"""

import importlib
from html.parser import HTMLParser

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.management import call_command
from django.forms import modelform_factory
from django.urls import reverse
from django_prose_editor.fields import ProseEditorField

from news.models import Article

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '<script>alert("xss-script")</script>',
    '<img src=x onerror=alert("xss-onerror")>',
    '<img src="/media/ok.png" onerror="alert(1)" onload="alert(2)">',
    "<a href=\"javascript:alert('xss-href')\">点我</a>",
    '<a href="JaVaScRiPt:alert(1)">大小写</a>',
    '<a href="jav&#x09;ascript:alert(1)">实体</a>',
    '<a href=" javascript:alert(1)">空格</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">数据</a>',
    '<a href="vbscript:msgbox(1)">vb</a>',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<img src="https://evil.example/track.gif">',
    '<img src="/media/../admin/">',
    '<svg><script>alert("xss-svg")</script></svg>',
    '<svg onload=alert("xss-svg-onload")><circle r=1></svg>',
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert("xss-math")>',
    '<math href="javascript:alert(1)">M</math>',
    '<p style="background:url(javascript:alert(1));width:expression(alert(2))">样式</p>',
    '<style>body{background:url("javascript:alert(1)")}</style>',
    '<div style="behavior:url(x.htc)">htc</div>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:text/html,<script>alert(1)</script>">',
    '<form action="javascript:alert(1)"><button formaction="javascript:alert(2)">提交</button></form>',
    '<input autofocus onfocus=alert(1)>',
    '<p onclick="alert(1)" onmouseover="alert(2)">事件</p>',
    '<details open ontoggle=alert(1)><summary>x</summary></details>',
    '<video><source onerror=alert(1)></video>',
    '<body onload=alert(1)>',
    '<<script>script>alert(1)<</script>/script>',
    '<scr<script>ipt>alert(1)</scr</script>ipt>',
    '<p title="</p><script>alert(1)</script>">属性</p>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    '<template><script>alert(1)</script></template>',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '"><script>alert(1)</script>',
    "</textarea><script>alert(1)</script>",
    "<table><tr><td onmouseover=alert(1)>格</td></tr></table>",
    '<a href="https://example.org/" target="_blank" rel="opener">外链</a>',
    "<!--<script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<p>未闭合 <b>粗体 <i>斜体",
]
# The safe paragraph first: a payload with broken markup may swallow what follows it.
CORPUS = "<p>安全的正文段落</p>\n" + "\n".join(PAYLOADS)

FORBIDDEN_TAGS = {
    "script", "iframe", "object", "embed", "style", "base", "meta", "link", "form", "input",
    "button", "svg", "math", "template", "noscript", "video", "source", "body", "details", "frame",
}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))

    handle_startendtag = handle_starttag


def elements(html: str):
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.elements


def assert_inert_fragment(html: str, label: str):
    """The stored fragment: only harmless tags, no handlers, no script URLs, no styles."""
    for tag, attrs in elements(html):
        assert tag not in FORBIDDEN_TAGS, f"{label}: <{tag}> stored"
        for name, value in attrs:
            assert not name.startswith("on"), f"{label}: {name} on <{tag}>"
            assert name not in ("style", "srcdoc", "formaction", "xlink:href"), f"{label}: {name}"
            if name in ("href", "src", "action"):
                compact = "".join((value or "").split()).lower()
                assert not compact.startswith(DANGEROUS_SCHEMES), f"{label}: {name}={value}"
            if tag == "img" and name == "src":
                assert value.startswith("/media/") and ".." not in value, f"{label}: img {value}"
            if tag == "a" and name == "rel":
                assert "opener" not in value.replace("noopener", ""), f"{label}: rel={value}"


def assert_inert_page(html: str, label: str):
    """A whole rendered page: every script is one of ours, no element carries a handler."""
    for tag, attrs in elements(html):
        attributes = dict(attrs)
        if tag == "script":
            # Our own files, a nonce, or a data block (JSON-LD), which browsers never execute.
            assert (
                attributes.get("src", "").startswith("/static/")
                or "nonce" in attributes
                or attributes.get("type") == "application/ld+json"
            ), (
                f"{label}: inline script without nonce"
            )
        # (The site's own inline SVG icons are fine; an injected one would carry a handler.)
        assert tag not in {"iframe", "object", "embed", "base", "math"}, f"{label}: <{tag}>"
        for name, value in attrs:
            assert not name.startswith("on"), f"{label}: {name} on <{tag}>"
            if name in ("href", "src", "action", "formaction"):
                assert not "".join((value or "").split()).lower().startswith(DANGEROUS_SCHEMES[:2]), (
                    f"{label}: {name}={value}"
                )


def rich_text_fields():
    return [
        (model, field)
        for model in apps.get_models()
        # django-simple-history's copies are written only from rows already sanitised on save.
        if not model._meta.model_name.startswith("historical")
        for field in model._meta.concrete_fields
        if isinstance(field, ProseEditorField)
    ]


def factory_for(model):
    try:
        module = importlib.import_module(f"{model._meta.app_label}.tests.factories")
    except ImportError:
        return None
    for value in vars(module).values():
        meta = getattr(value, "_meta", None)
        if getattr(meta, "model", None) is model:
            return value
    return None


def an_instance(model):
    instance = model._default_manager.first()
    if instance is None and (factory := factory_for(model)) is not None:
        instance = factory()
    assert instance is not None, (
        f"{model.__name__}: no demo content and no factory in {model._meta.app_label}/tests/factories.py"
    )
    return instance


@pytest.fixture
def superuser():
    return User.objects.create_superuser("guanli", password="x")


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)


def test_rich_text_fields_are_discovered():
    assert (Article, Article._meta.get_field("body")) in rich_text_fields()


def test_payloads_through_every_rich_text_field_by_form_and_by_orm(demo, client, superuser):
    client.force_login(superuser)
    for model, field in rich_text_fields():
        label = f"{model._meta.label}.{field.name}"
        instance = an_instance(model)

        Form = modelform_factory(model, fields=[field.name])
        for payload in [*PAYLOADS, CORPUS]:
            # The form door: the field's own form field, as in the admin.
            form = Form(data={field.name: payload}, instance=instance)
            if form.is_valid():
                form.save()
                instance.refresh_from_db()
                assert_inert_fragment(getattr(instance, field.attname), f"{label} (form) {payload}")
            # Every other door (a service, the shell): a plain save() stores only the allowlist too.
            setattr(instance, field.attname, payload)
            instance.save()
            instance.refresh_from_db()
            assert_inert_fragment(getattr(instance, field.attname), f"{label} (save) {payload}")
        assert "安全的正文段落" in getattr(instance, field.attname), label

        url = getattr(instance, "get_absolute_url", None)
        if url:
            response = client.get(url())
            if response.status_code == 200:
                assert "安全的正文段落" in response.content.decode(), label
                assert_inert_page(response.content.decode(), f"{label} public")
        if model in admin.site._registry:
            change = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[instance.pk])
            response = client.get(change)
            assert response.status_code == 200, label
            assert_inert_page(response.content.decode(), f"{label} admin")
            changelist = client.get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))
            assert_inert_page(changelist.content.decode(), f"{label} admin list")


def test_payloads_through_the_admin_article_form(client, superuser):
    from news.tests.factories import ChannelFactory

    client.force_login(superuser)
    channel = ChannelFactory(slug="work", name="工作动态")
    form = {
        "title": '<script>alert("title")</script>标题',
        "channel": channel.pk,
        "summary": '<img src=x onerror=alert("summary")>',
        "body": CORPUS,
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
        "attachments-MIN_NUM_FORMS": "0",
        "attachments-MAX_NUM_FORMS": "1000",
    }
    # The editor's form refuses images from outside the media folder with a message
    # (no hot-linking) and stores nothing; without them, the rest of the corpus is saved.
    refused = client.post(reverse("admin:news_article_add"), form)
    assert refused.status_code == 200 and not Article.objects.exists()
    assert "图片" in refused.content.decode()
    response = client.post(
        reverse("admin:news_article_add"),
        {
            "title": '<script>alert("title")</script>标题',
            "channel": channel.pk,
            "summary": '<img src=x onerror=alert("summary")>',
            "body": re.sub(r"<img\b[^>]*>", "", CORPUS, flags=re.I),
            "cover_alt": '"><svg onload=alert(1)>',
            "author": "作者",
            "source": "来源",
            "responsible_editor": "编辑",
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
            "attachments-MIN_NUM_FORMS": "0",
            "attachments-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get()
    assert_inert_fragment(article.body, "admin article form")
    # The state changes only through the workflow (news/services.py), never the form.
    from news import services

    services.publish(article=article, by=superuser)
    # Plain-text fields are stored as typed and escaped on output.
    public = client.get(article.get_absolute_url())
    assert public.status_code == 200
    text = public.content.decode()
    assert_inert_page(text, "article page")
    assert "&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;标题" in text
    admin_page = client.get(reverse("admin:news_article_change", args=[article.pk])).content.decode()
    assert_inert_page(admin_page, "admin change")
    assert_inert_page(client.get(reverse("admin:news_article_changelist")).content.decode(), "admin list")


def test_the_checks_catch_unsanitised_html():
    for payload in ['<img src=x onerror=alert(1)>', '<a href="javascript:alert(1)">x</a>', "<script>x</script>"]:
        with pytest.raises(AssertionError):
            assert_inert_fragment(payload, "raw")
        with pytest.raises(AssertionError):
            assert_inert_page(f"<html><body>{payload}</body></html>", "raw")


def test_rich_text_that_skipped_save_is_cleaned_on_the_public_page(demo, client):
    """Text written by update(), raw SQL or a restored dump never went through save()'s
    allowlist: the public page cleans it again."""
    from news.models import Article as NewsArticle

    article = NewsArticle.objects.published().first()
    for model, field in rich_text_fields():
        label = f"{model._meta.label}.{field.name}"
        instance = article if model is NewsArticle else an_instance(model)
        model._default_manager.filter(pk=instance.pk).update(**{field.attname: CORPUS})
        response = client.get(instance.get_absolute_url())
        assert response.status_code == 200, label
        page = response.content.decode()
        assert "安全的正文段落" in page, label
        assert_inert_page(page, f"{label} public, written by update()")
