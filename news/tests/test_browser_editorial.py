"""The newsroom journey in Chromium: an editor writes, a publisher reviews and publishes."""

import re

import pytest
from playwright.sync_api import expect
from django.conf import settings as django_settings
from django.urls import re_path
from django.views.static import serve

from news.models import Article, ArticleEvent
from news.tests.factories import ChannelFactory
from news.tests.roles import (
    EDITOR,
    PASSWORD,
    PUBLISHER,
    insert_photo,
    log_in,
    make_staff,
    open_a_copy_older_than_a_colleagues_save,
    put_cursor_at_end,
    wait_for_kept_copy,
)
from yanan_portal.urls import urlpatterns as site_patterns

# The live server serves uploaded media as nginx does in production.
urlpatterns = site_patterns + [
    re_path(r"^media/(?P<path>.*)$", lambda request, path: serve(request, path, document_root=django_settings.MEDIA_ROOT)),
]


def assert_no_publish_button(page):
    assert page.locator("a.workflow-publish, a.workflow-schedule, a.workflow-republish").count() == 0
    assert page.get_by_role("link", name="发布", exact=True).count() == 0


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_editor_writes_publisher_publishes(desktop_page, settings, tmp_path):
    settings.ROOT_URLCONF = __name__
    page = desktop_page
    page.context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    channel = ChannelFactory(name="工作动态", slug="work")
    make_staff("editor", EDITOR)
    make_staff("publisher", PUBLISHER)
    photo = tmp_path / "走访.jpg"
    from PIL import Image

    Image.new("RGB", (1600, 1200), (40, 120, 200)).save(photo)
    pdf = tmp_path / "通知.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%test\n")

    # The editor writes the article with a photo uploaded from inside the editor.
    log_in(page, "editor")
    page.goto("/admin/news/article/add/")
    page.fill("#id_title", "老促会走访安塞农户")
    page.select_option("#id_channel", str(channel.pk))
    body = page.locator(".tiptap.ProseMirror")
    body.click()
    page.keyboard.type("老促会工作人员走访农户,了解产业发展情况。")
    insert_photo(page, photo, alt="工作人员在农户家中交谈", caption="走访现场")
    # The cursor is in the photo's caption: Enter leaves it for a new paragraph below the
    # photo (it used to add the rest of the article to the caption; a phone has no arrow keys).
    page.keyboard.press("Enter")
    page.keyboard.type("调研结束后形成报告。")
    page.set_input_files("#id_attachments-0-file", str(pdf))
    # The table dialog in Chinese, its 包含表头行 choice included.
    page.click(".prose-menubar button[title=插入表格]")
    table_dialog = page.locator("dialog[open]")
    assert table_dialog.locator("option").all_inner_texts() == ["是", "否"]
    table_dialog.press("Escape")
    assert_no_publish_button(page)
    page.click("input[name=_continue]")
    page.wait_for_url(re.compile(r"/change/$"))
    article = Article.objects.get(title="老促会走访安塞农户")
    assert article.status == Article.Status.DRAFT and "<figure" in article.body
    assert re.search(r"<figcaption[^>]*>走访现场</figcaption></figure>\s*<p>调研结束后形成报告。</p>", article.body), article.body

    assert_no_publish_button(page)
    page.click("a.workflow-submit")
    page.click("input[type=submit][value=确认提交审核]")
    page.wait_for_url(re.compile(r"/change/$"))
    assert "当前状态:待审核" in page.content()
    assert_no_publish_button(page)
    assert Article.objects.get(pk=article.pk).status == Article.Status.REVIEW
    assert page.console_errors == []
    page.context.clear_cookies()

    # The publisher sees it waiting, previews it, publishes it.
    log_in(page, "publisher")
    page.goto("/admin/news/article/?mine=1")
    page.get_by_role("link", name="老促会走访安塞农户").click()
    preview_url = page.get_by_role("link", name="预览").get_attribute("href")
    page.goto(preview_url)
    assert "预览:此页面仅供工作人员查看" in page.locator(".preview-banner").inner_text()
    page.goto(f"/admin/news/article/{article.pk}/change/")
    page.click("a.workflow-publish")
    page.click("input[type=submit][value=确认发布]")
    page.wait_for_url(re.compile(r"/change/$"))
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED and article.published_by.username == "publisher"
    assert list(article.events.values_list("action", flat=True).order_by("id")) == [
        ArticleEvent.Action.CREATE, ArticleEvent.Action.SUBMIT, ArticleEvent.Action.PUBLISH]
    assert page.console_errors == []
    page.context.clear_cookies()

    # A reader sees the article with the photo's rendition and the attachment.
    page.goto(article.get_absolute_url())
    assert page.locator("h1").inner_text() == "老促会走访安塞农户"
    image = page.locator(".article-body picture img")
    image.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    assert image.get_attribute("loading") == "lazy" and image.get_attribute("width") == "1600"
    current = image.evaluate("img => img.currentSrc")
    assert current.endswith(".webp"), current
    link = page.get_by_role("link", name="通知.pdf")
    with page.expect_download() as download_info:
        link.click()
    assert download_info.value.suggested_filename == "通知.pdf"
    assert page.console_errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_article_typed_while_the_login_ran_out_is_restored_after_logging_in_again(desktop_page):
    page = desktop_page
    page.context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    channel = ChannelFactory(name="工作动态", slug="work")
    make_staff("editor", EDITOR)
    log_in(page, "editor")
    page.clock.install()
    page.goto("/admin/news/article/add/")
    assert page.locator(".draft-notice").count() == 0
    page.fill("#id_title", "登录过期时写的文章")
    page.select_option("#id_channel", str(channel.pk))
    page.locator(".tiptap.ProseMirror").click()
    page.keyboard.type("这是写了很久的一段正文。")
    page.wait_for_timeout(800)  # the copy is written 0.4 s after the last change

    # While the editor types, the page renews the login every few minutes.
    with page.expect_response(re.compile(r"/keepalive/$")) as keepalive:
        page.clock.fast_forward("05:00")
    assert keepalive.value.status == 204
    page.keyboard.type("又写了一句。")

    # The login ends anyway (the laptop slept; two hours without a request): the page says
    # so at its next round; 保存 leads to the login page, which says why, and back to the
    # form after logging in.
    page.context.clear_cookies(name=django_settings.SESSION_COOKIE_NAME)
    with page.expect_request(re.compile(r"/keepalive/$")):
        page.clock.fast_forward("05:00")
    assert "登录已过期" in page.locator(".draft-notice").inner_text()
    page.click("input[name=_continue]")
    page.wait_for_url(re.compile(r"/admin/login/"))
    assert "请先登录" in page.locator(".messagelist").inner_text()
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/news/article/add/$"))
    assert page.locator("#id_title").input_value() == ""

    notice = page.locator(".draft-notice")
    assert "尚未提交的内容" in notice.inner_text()
    notice.get_by_role("button", name="恢复这些内容").click()
    assert page.locator("#id_title").input_value() == "登录过期时写的文章"
    assert page.locator("#id_channel").input_value() == str(channel.pk)
    assert "这是写了很久的一段正文。又写了一句。" in page.locator(".tiptap.ProseMirror").inner_text()
    page.click("input[name=_continue]")
    page.wait_for_url(re.compile(r"/change/$"))
    article = Article.objects.get(title="登录过期时写的文章")
    assert "这是写了很久的一段正文。又写了一句。" in article.body and article.channel == channel

    # Saved: the copy is gone, so a new article starts empty with no offer.
    page.goto("/admin/news/article/add/")
    page.wait_for_load_state("load")
    assert page.locator(".draft-notice").count() == 0

    # A form refused as expired (its CSRF cookie gone: a new login elsewhere, a cleared
    # browser) says to go back and send again; going back finds the text in the form again (the
    # browser refills it, editor-restore.js shows it in the editor), so the kept copy is not offered.
    page.fill("#id_title", "页面过期时写的文章")
    page.locator(".tiptap.ProseMirror").click()
    page.keyboard.type("第二篇正文。")
    page.wait_for_timeout(800)
    page.context.clear_cookies(name=django_settings.CSRF_COOKIE_NAME)
    page.click("input[name=_continue]")
    page.wait_for_load_state("load")
    expect(page.locator("h1")).to_have_text("抱歉,页面已过期,提交没有成功")
    expect(page.get_by_role("link", name="重新打开编辑页面")).to_be_visible()
    page.go_back()
    page.wait_for_load_state("load")
    expect(page.locator(".tiptap.ProseMirror")).to_contain_text("第二篇正文。")
    assert page.locator("#id_title").input_value() == "页面过期时写的文章"
    expect(page.locator(".draft-notice")).to_have_count(0)
    assert [error for error in page.console_errors if "status of 403" not in error] == []  # the refused form's own


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_kept_copy_older_than_someone_elses_save_is_shown_to_copy_from_not_restored(desktop_page):
    """Restored, a copy written before a colleague's save could only be refused as a conflict
    again (it carries the old version) and would put back the colleague's changed fields: the
    editor is shown what it holds, to merge by hand."""
    from django.db.models import F

    from members.models import CountyBranch
    from news.tests.factories import ArticleFactory

    page = desktop_page
    page.context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page.on("dialog", lambda dialog: dialog.accept())  # 离开此页? (unsaved text)
    editor = make_staff("editor", EDITOR)
    article = ArticleFactory(title="原来的标题", status=Article.Status.DRAFT, published_at=None, created_by=editor)
    log_in(page, "editor")
    page.goto(f"/admin/news/article/{article.pk}/change/")
    page.fill("#id_title", "编辑改了一半的标题")
    yanchang = CountyBranch.objects.get(name="延长县")
    page.locator("#id_counties_from").select_option(str(yanchang.pk))
    page.locator("#id_counties_add").click()
    page.wait_for_function(
        """county => Object.keys(localStorage).some(key => key.startsWith('portal:article-draft:')
            && (JSON.parse(localStorage[key]).values.counties || []).includes(county))""",
        arg=str(yanchang.pk),
    )
    page.goto("/admin/")  # left without saving

    Article.objects.filter(pk=article.pk).update(title="他人改过的标题", version=F("version") + 1)
    page.goto(f"/admin/news/article/{article.pk}/change/")
    kept = open_a_copy_older_than_a_colleagues_save(page)
    expect(kept).to_contain_text("标题")
    expect(kept.locator(".draft-copy-text").first).to_have_text("编辑改了一半的标题")
    # Choices by their names, under their label, not as ids.
    expect(kept.locator("h3")).to_have_text(["标题", "相关县区"])
    expect(kept.locator(".draft-copy-text").nth(1)).to_have_text("延长县")
    assert page.locator("#id_title").input_value() == "他人改过的标题"

    # Merged by hand, it saves.
    page.fill("#id_title", "合并后的标题")
    page.click("input[name=_continue]")
    page.wait_for_url(re.compile(r"/change/$"))
    expect(page.locator(".messagelist .success")).to_be_visible()
    article.refresh_from_db()
    assert article.title == "合并后的标题"
    assert page.console_errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_after_logging_in_again_in_another_tab_the_open_form_saves(desktop_page):
    """The expired-login notice tells the editor to log in again in a new tab and come back to
    保存: the login changes the CSRF token, so the open form must take the new one (a 403
    otherwise), and the notice says when it may be sent."""
    from members.models import CountyBranch

    page = desktop_page
    page.context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    channel = ChannelFactory(name="工作动态", slug="work")
    make_staff("editor", EDITOR)
    log_in(page, "editor")
    page.clock.install()
    page.goto("/admin/news/article/add/")
    page.fill("#id_title", "换了标签页登录后保存的文章")
    page.select_option("#id_channel", str(channel.pk))
    page.locator(".tiptap.ProseMirror").click()
    page.keyboard.type("正文写到一半,登录过期了。")
    # 县区 chosen with Django's two-box selector: kept with the text.
    ansai, baota = CountyBranch.objects.get(name="安塞区"), CountyBranch.objects.get(name="宝塔区")
    for county in (ansai, baota):
        page.locator("#id_counties_from").select_option(str(county.pk))
        page.locator("#id_counties_add").click()
    page.wait_for_timeout(800)

    page.context.clear_cookies(name=django_settings.SESSION_COOKIE_NAME)
    with page.expect_request(re.compile(r"/keepalive/$")):
        page.clock.fast_forward("05:00")
    notice = page.locator(".draft-notice")
    assert "登录已过期" in notice.inner_text()

    other_tab = page.context.new_page()
    other_tab.goto(page.url.split("/admin/")[0] + "/admin/login/")
    other_tab.fill("#id_username", "editor")
    other_tab.fill("#id_password", PASSWORD)
    other_tab.click("input[type=submit]")
    other_tab.wait_for_url(re.compile(r"/admin/$"))
    other_tab.close()

    with page.expect_response(re.compile(r"/keepalive/$")) as keepalive:
        page.clock.fast_forward("00:20")
    assert keepalive.value.status == 204
    page.wait_for_function("() => document.querySelector('.draft-notice p').textContent.includes('已重新登录')")
    page.click("input[name=_continue]")
    page.wait_for_url(re.compile(r"/change/$"))
    article = Article.objects.get(title="换了标签页登录后保存的文章")
    assert "登录过期了" in article.body
    assert set(article.counties.all()) == {ansai, baota}
    assert page.console_errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_each_new_article_keeps_its_own_copy_and_a_refused_save_keeps_it(desktop_page):
    from members.models import CountyBranch

    page = desktop_page
    page.context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page.on("dialog", lambda dialog: dialog.accept())  # 离开此页? (unsaved text)
    channel = ChannelFactory(name="工作动态", slug="work")
    make_staff("editor", EDITOR)
    log_in(page, "editor")
    yanchang = CountyBranch.objects.get(name="延长县")

    # A first new article is left unsaved; a second one is started and left too.
    page.goto("/admin/news/article/add/")
    page.fill("#id_title", "第一篇没保存的文章")
    page.locator("#id_counties_from").select_option(str(yanchang.pk))
    page.locator("#id_counties_add").click()
    page.wait_for_function(
        """county => Object.values(localStorage).some(copy => copy.includes('第一篇没保存的文章')
            && (JSON.parse(copy).values.counties || []).includes(county))""",
        arg=str(yanchang.pk),
    )
    page.goto("/admin/")
    page.goto("/admin/news/article/add/")
    notice = page.locator(".draft-notice")
    assert notice.count() == 1 and "第一篇没保存的文章" in notice.inner_text()
    page.fill("#id_title", "第二篇没保存的文章")  # not restored: a different article
    wait_for_kept_copy(page, "第二篇没保存的文章")
    page.goto("/admin/")

    # Both are offered on the next new article; the first one is restored, 县区 included.
    page.goto("/admin/news/article/add/")
    page.wait_for_load_state("load")
    assert page.locator(".draft-notice").count() == 2
    assert "第二篇没保存的文章" in page.locator(".draft-notice").first.inner_text()  # newest first
    page.locator(".draft-notice", has_text="第一篇没保存的文章").get_by_role("button", name="恢复这些内容").click()
    assert page.locator(".draft-notice").count() == 0
    assert page.locator("#id_title").input_value() == "第一篇没保存的文章"
    assert page.locator("#id_counties_to option").all_inner_texts() == ["延长县"]

    # 保存 refused (no 栏目, no 正文): the copy is kept, and the page sent back keeps writing to it.
    page.click("input[name=_continue]")
    page.wait_for_load_state("load")
    assert page.locator(".errornote").count() == 1
    assert page.evaluate("sessionStorage.getItem('portal:article-draft:submitted')") is None
    page.select_option("#id_channel", str(channel.pk))
    page.locator(".tiptap.ProseMirror").click()
    page.keyboard.type("补上的正文。")
    page.wait_for_timeout(800)
    copies = page.evaluate(
        "Object.keys(localStorage).filter(k => k.includes('/add/#')).map(k => JSON.parse(localStorage[k]).values.title)"
    )
    assert sorted(copies) == ["第一篇没保存的文章", "第二篇没保存的文章"]
    page.click("input[name=_continue]")
    page.wait_for_url(re.compile(r"/change/$"))
    assert list(Article.objects.get(title="第一篇没保存的文章").counties.all()) == [yanchang]
    # Saved: its copy is gone; the second article's is still offered.
    page.goto("/admin/news/article/add/")
    page.wait_for_load_state("load")
    assert page.locator(".draft-notice").count() == 1
    assert "第二篇没保存的文章" in page.locator(".draft-notice").inner_text()
    assert page.console_errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_article_too_large_to_send_is_refused_and_back_keeps_it(desktop_page):
    """A body over the 5 MB limit (photos pasted from Word) is refused before any view runs: the
    page says why and how to get back, and the browser's 返回 finds the text as it was."""
    page = desktop_page
    page.context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    channel = ChannelFactory(name="工作动态", slug="work")
    make_staff("editor", EDITOR)
    log_in(page, "editor")
    page.goto("/admin/news/article/add/")
    page.fill("#id_title", "一篇很长的调研报告")
    page.select_option("#id_channel", str(channel.pk))
    page.locator(".tiptap.ProseMirror").click()
    page.keyboard.type("开头一段。")
    # Two million characters (about 6 MB as sent): what no one types, but a paste can bring.
    page.evaluate("""() => document.querySelector('.tiptap.ProseMirror').editor.commands
        .insertContent('<p>' + '长'.repeat(2000000) + '</p>')""")
    page.click("input[name=_continue]")
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text() == "抱歉,这个请求无法处理"
    assert "提交的内容太大" in page.locator("main").inner_text()
    assert page.get_by_role("link", name="重新打开编辑页面").get_attribute("href") == "/admin/news/article/add/"
    assert not Article.objects.exists()

    page.go_back()
    page.wait_for_load_state("load")
    assert page.input_value("#id_title") == "一篇很长的调研报告"
    # The browser refills the form after the editor was built: the editor shows the text again.
    body = page.locator(".tiptap.ProseMirror")
    page.wait_for_function("() => document.querySelector('.tiptap.ProseMirror').textContent.length > 2000000")
    assert body.evaluate("el => el.textContent.startsWith('开头一段。')")
    # The kept copy is what the form holds again: no offer to restore it.
    expect(page.locator(".draft-notice")).to_have_count(0)
    # Shortened, it saves.
    page.evaluate("""() => document.querySelector('.tiptap.ProseMirror').editor.commands
        .setContent('<p>开头一段。</p><p>删去了粘贴进来的长内容。</p>')""")
    page.click("input[name=_continue]")
    page.wait_for_url(re.compile(r"/change/$"))
    assert Article.objects.get().body == "<p>开头一段。</p><p>删去了粘贴进来的长内容。</p>"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_late_refill_of_the_form_is_shown_before_the_first_keystroke(desktop_page):
    """The browser's 返回 refills the editor's textarea after the page has loaded; on a busy
    computer that can come after editor-restore.js stopped looking (1.5 s). Clicking into the
    editor still shows the refilled text, and typing adds to it instead of replacing it."""
    from news.tests.factories import ArticleFactory

    page = desktop_page
    page.context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    make_staff("editor", EDITOR)
    article = ArticleFactory(title="返回后的文章", status=Article.Status.DRAFT, published_at=None, body="<p>旧的正文。</p>")
    log_in(page, "editor")
    page.clock.install()
    page.goto(f"/admin/news/article/{article.pk}/change/")
    page.wait_for_load_state("load")
    page.clock.run_for(3000)  # every look after the load has been taken
    page.evaluate("() => { document.querySelector('textarea[name=body]').value = '<p>返回时浏览器填回的正文。</p>'; }")
    body = page.locator(".tiptap.ProseMirror")
    expect(body).to_have_text("旧的正文。")
    put_cursor_at_end(page, body)
    page.keyboard.type("再写一句。")
    expect(body).to_have_text("返回时浏览器填回的正文。再写一句。")
    page.click("input[name=_continue]")
    page.wait_for_url(re.compile(r"/change/$"))
    article.refresh_from_db()
    assert article.body == "<p>返回时浏览器填回的正文。再写一句。</p>"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_submitting_for_review_with_unsaved_changes_asks_to_save_first(desktop_page):
    """提交审核 is a link: it sends the article as last saved. With changes still in the form,
    the publisher would have reviewed (and published) the old text."""
    from news.tests.factories import ArticleFactory

    page = desktop_page
    page.context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    editor = make_staff("editor", EDITOR)
    article = ArticleFactory(title="待补充的文章", status=Article.Status.DRAFT, published_at=None, created_by=editor, body="<p>初稿。</p>")
    change_url = f"/admin/news/article/{article.pk}/change/"
    log_in(page, "editor")
    page.goto(change_url)
    put_cursor_at_end(page, page.locator(".tiptap.ProseMirror"))
    page.keyboard.type("补充的重要内容。")
    page.get_by_role("link", name="提交审核").click()
    expect(page.get_by_role("alert")).to_contain_text("还有没保存的修改,“提交审核”不会带上它们")
    expect(page).to_have_url(re.compile(re.escape(change_url) + "$"))

    # A save refused by the form: the page holds what was typed, still not saved.
    page.fill("#id_title", "")
    page.click("input[name=_continue]")
    page.wait_for_load_state("load")
    expect(page.locator("p.errornote")).to_be_visible()
    page.get_by_role("link", name="提交审核").click()
    expect(page.get_by_role("alert")).to_contain_text("还有没保存的修改")
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT and article.body == "<p>初稿。</p>"

    # Saved: 提交审核 goes ahead, with the new text.
    page.fill("#id_title", "补充好的文章")
    page.click("input[name=_continue]")
    page.wait_for_url(re.compile(re.escape(change_url) + "$"))
    expect(page.locator(".messagelist .success")).to_be_visible()
    # Searching the 县区 choices changes nothing: 提交审核 goes ahead.
    page.fill("#id_counties_input", "宝塔")
    page.get_by_role("link", name="提交审核").click()
    page.click("input[type=submit][value=确认提交审核]")
    page.wait_for_url(re.compile(re.escape(change_url) + "$"))
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW and article.body == "<p>初稿。补充的重要内容。</p>"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_refused_save_with_a_numbered_list_offers_no_copy_of_what_is_on_the_page(desktop_page):
    """The editor reads a numbered list back from the form as <ol data-type="decimal">, not the
    <ol> it wrote: the kept copy looked different and was offered as unsaved text beside the
    form's own error, although the page held the very same text."""
    page = desktop_page
    make_staff("editor", EDITOR)
    log_in(page, "editor")
    page.goto("/admin/news/article/add/")
    page.fill("#id_title", "带编号列表的文章")
    page.locator(".tiptap.ProseMirror").click()
    page.keyboard.type("第一项")
    page.click(".prose-menubar button[title=编号列表]")
    expect(page.locator(".tiptap.ProseMirror ol li")).to_have_text("第一项")
    wait_for_kept_copy(page, "<ol><li><p>第一项</p></li></ol>")
    page.click("input[name=_continue]")  # no 栏目: refused
    page.wait_for_load_state("load")
    expect(page.locator("p.errornote")).to_be_visible()
    expect(page.locator(".tiptap.ProseMirror ol li")).to_have_text("第一项")
    expect(page.locator(".draft-notice")).to_have_count(0)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "pasted",
    [
        '<p>会议纪要。</p><img src="data:image/png;base64,iVBORw0KGgo=">',  # Word: dropped by the editor
        '<p>会议纪要。</p><img src="file:///C:/Users/office/AppData/Local/Temp/wps1.jpg">',  # WPS
    ],
    ids=["inline image", "image on the writer's computer"],
)
def test_a_photo_pasted_into_the_text_is_answered_at_once(desktop_page, pasted):
    """The editor dropped a pasted photo without a word (or kept one the save then refused):
    the writer is told at once to upload it through 插入图片 → 浏览…; the text is pasted."""
    body = paste_into_a_new_article(desktop_page, html=pasted, text="会议纪要。")
    expect(desktop_page.get_by_role("alert")).to_contain_text("网站不能保存直接粘贴进来的图片")
    expect(body).to_contain_text("会议纪要。")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_screenshot_pasted_into_the_text_is_answered_at_once(desktop_page):
    paste_into_a_new_article(desktop_page, picture=True)
    expect(desktop_page.get_by_role("alert")).to_contain_text("网站不能保存直接粘贴进来的图片")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_text_pasted_without_a_photo_brings_no_warning(desktop_page):
    # The site's own photo, and a picture of the copied text beside it: how Excel, WPS and Word
    # copy cells or paragraphs.
    body = paste_into_a_new_article(
        desktop_page,
        html='<p>只有文字。</p><p><img src="/media/photos/2024/12/own.jpg" alt="本站照片"></p>',
        text="只有文字。",
        picture=True,
    )
    expect(body).to_contain_text("只有文字。")
    expect(desktop_page.locator(".paste-notice")).to_have_count(0)


def paste_into_a_new_article(page, *, html=None, text=None, picture=False):
    """Paste into the body of a new article as the clipboard would: HTML, plain text and/or a
    PNG file. Returns the editor."""
    make_staff("editor", EDITOR)
    log_in(page, "editor")
    page.goto("/admin/news/article/add/")
    body = page.locator(".tiptap.ProseMirror")
    body.click()
    body.evaluate(
        """(element, [html, text, picture]) => {
            const data = new DataTransfer();
            if (html) data.setData("text/html", html);
            if (text) data.setData("text/plain", text);
            if (picture) data.items.add(new File([new Uint8Array([137, 80, 78, 71])], "image.png", { type: "image/png" }));
            element.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
        }""",
        [html, text, picture],
    )
    return body
