"""The article form of the admin on a phone (390×844): office staff sometimes write and correct
articles there. Nothing may need sideways scrolling, and every field of the 附件 inline must be on
screen, readable and fillable (static/css/editorial-admin.css lays its rows out as cards)."""

import re

import pytest

from news.models import Article, ArticleEvent, Attachment
from news.tests.factories import ArticleFactory, AttachmentFactory, ChannelFactory
from news.tests.roles import EDITOR, log_in, make_staff

WIDTH = 390  # conftest.PHONE

# Every form control that is shown must lie inside the screen: a control inside a box that
# scrolls sideways (the 附件 table did) or cut off at the edge fails here.
CONTROLS_OFF_SCREEN = """() => {
  const width = window.innerWidth, off = [];
  const controls = document.querySelectorAll(
    '#content-main input:not([type=hidden]), #content-main select, #content-main textarea,'
    + ' #content-main a.button, #content-main .inline-deletelink, #content-main .addlink, #content-main .ProseMirror');
  for (const el of controls) {
    if (el.closest('.empty-form')) continue;
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || getComputedStyle(el).visibility === 'hidden') continue;
    if (box.left < -0.5 || box.right > width + 0.5) off.push(`${el.outerHTML.slice(0, 90)} ${box.left}..${box.right}`);
  }
  return off;
}"""

# The labels of the cards are the table's column headings and help texts, copied onto each cell
# by static/js/inline-labels.js and shown by the phone layout's ::before and ::after.
CARD_LABELS = """row => {
  const group = row.closest('.inline-group'), out = [];
  const shown = (cell, pseudo, attribute) => {
    const content = getComputedStyle(cell, pseudo).content;
    if (content === 'none' || content === 'normal') return '';
    // Chromium reports attr() either resolved or as written.
    return content === `attr(${attribute})` ? cell.getAttribute(attribute) || '' : JSON.parse(content);
  };
  for (const cell of row.querySelectorAll('td[class*="field-"]')) {
    const name = [...cell.classList].find(c => c.startsWith('field-')).slice(6);
    const heading = group.querySelector(`thead th.column-${name}`);
    const help = heading.querySelector('img.help');
    out.push({
      name,
      label: shown(cell, '::before', 'data-label'),
      heading: heading.firstChild.textContent.trim(),
      help: shown(cell, '::after', 'data-help'),
      title: help ? help.title : '',
    });
  }
  return out;
}"""


def assert_fits_the_screen(page):
    assert page.evaluate("window.innerWidth") == WIDTH
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH, "the page scrolls sideways"
    assert page.evaluate(CONTROLS_OFF_SCREEN) == []


def assert_on_screen(page, locator):
    """Visible, inside 0..390 once scrolled to, and really hit there (not clipped or covered)."""
    locator.scroll_into_view_if_needed()
    assert locator.is_visible()
    box = locator.bounding_box()
    assert box is not None and box["width"] > 0 and box["height"] > 0
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, box
    assert locator.evaluate(
        "el => { const r = el.getBoundingClientRect();"
        " const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);"
        " return hit === el || el.contains(hit) || (el.labels && [...el.labels].includes(hit)); }"
    ), "covered or clipped"
    return box


def assert_attachment_row_usable(page, index, *, existing=False):
    row = page.locator(f"#attachments-{index}")
    for field in ("file", "name", "order") + (("DELETE",) if existing else ()):
        assert_on_screen(page, page.locator(f"#id_attachments-{index}-{field}"))
    name = assert_on_screen(page, page.locator(f"#id_attachments-{index}-name"))
    assert name["width"] >= 300, "显示名称 is too narrow to read"
    for cell in row.element_handle().evaluate(CARD_LABELS):
        assert cell["label"] and cell["label"] == cell["heading"], cell
        assert cell["help"] == cell["title"], cell
    return row


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_editor_writes_an_article_with_an_attachment_on_a_phone(phone_page, tmp_path):
    page = phone_page
    page.context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    channel = ChannelFactory(name="工作动态", slug="work")
    make_staff("editor", EDITOR)
    pdf = tmp_path / "2024年度延安市老区建设促进会工作总结报告.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%test\n")

    log_in(page, "editor")
    page.goto("/admin/news/article/add/")
    page.wait_for_load_state("load")
    assert_fits_the_screen(page)
    assert_attachment_row_usable(page, 0)

    page.fill("#id_title", "手机上写的文章")
    page.select_option("#id_channel", str(channel.pk))
    body = page.locator(".tiptap.ProseMirror")
    assert body.bounding_box()["height"] >= 150, "an empty 正文 is a roomy target on a phone"
    body.click()
    page.keyboard.type("在手机上写的正文。")
    page.set_input_files("#id_attachments-0-file", str(pdf))
    page.fill("#id_attachments-0-name", "年度工作总结(全文)")
    page.fill("#id_attachments-0-order", "2")

    # A second attachment row added on the page is a card too; its 删除 is a real button.
    page.locator("#attachments-group .addlink").click()
    assert_attachment_row_usable(page, 1)
    delete = assert_on_screen(page, page.locator("#attachments-1 .inline-deletelink"))
    assert delete["height"] >= 44
    page.locator("#attachments-1 .inline-deletelink").click()
    assert page.locator("#attachments-1").count() == 0
    assert_fits_the_screen(page)

    # 保存 and its companions: full-width buttons on screen.
    for name in ("_save", "_addanother", "_continue"):
        button = assert_on_screen(page, page.locator(f"input[name={name}]"))
        assert button["width"] >= WIDTH * 0.7 and button["height"] >= 40, (name, button)
    page.click("input[name=_continue]")
    page.wait_for_url(re.compile(r"/change/$"))
    article = Article.objects.get(title="手机上写的文章")
    attachment = article.attachments.get()
    assert (attachment.name, attachment.order, attachment.kind) == ("年度工作总结(全文)", 2, "PDF")
    assert_fits_the_screen(page)
    assert page.console_errors == []
    assert page.subresource_failures == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_editor_corrects_an_existing_attachment_on_a_phone(phone_page):
    page = phone_page
    page.context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    editor = make_staff("editor", EDITOR)
    article = ArticleFactory(title="有附件的草稿", status=Article.Status.DRAFT, published_at=None, created_by=editor)
    first = AttachmentFactory(article=article, name="2024年度延安市老区建设促进会工作总结报告(全文)", order=1)
    second = AttachmentFactory(article=article, name="通知.pdf", order=2)
    ArticleEvent.objects.create(
        article=article, action=ArticleEvent.Action.SEND_BACK, from_status="review", to_status="draft",
        actor_name="审核发布人员",
        comment="请核对第二段的数据。参考 https://www.example.com/a/very/long/address/without/any/break/in/it/at/all",
    )

    log_in(page, "editor")
    page.goto(f"/admin/news/article/{article.pk}/change/")
    page.wait_for_load_state("load")
    assert_fits_the_screen(page)
    assert_attachment_row_usable(page, 0, existing=True)
    assert_attachment_row_usable(page, 1, existing=True)
    # The attachment's name heads its card, readable, not drawn over the row's edge.
    heading = page.locator("#attachments-0 td.original p")
    assert_on_screen(page, heading)
    assert "工作总结报告(全文)" in heading.inner_text()
    assert heading.bounding_box()["height"] >= 20
    # The 审核记录 (comment with a long address included) stays inside the screen.
    log = page.locator(".event-log")
    log.scroll_into_view_if_needed()
    box = log.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, box
    assert "请核对第二段的数据" in log.inner_text()
    # The workflow buttons as wide as 保存.
    submit = assert_on_screen(page, page.locator("a.workflow-submit"))
    assert submit["width"] >= WIDTH * 0.7 and submit["height"] >= 44

    page.fill("#id_attachments-0-name", "年度工作总结")
    page.fill("#id_attachments-0-order", "3")
    page.locator("#id_attachments-1-DELETE").check()
    page.click("input[name=_continue]")
    page.wait_for_url(re.compile(r"/change/$"))
    first.refresh_from_db()
    assert (first.name, first.order) == ("年度工作总结", 3)
    assert not Attachment.objects.filter(pk=second.pk).exists()
    assert_fits_the_screen(page)
    assert page.console_errors == []
    assert page.subresource_failures == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [768, 900, 1024])
def test_on_a_tablet_beside_the_side_menu_the_attachments_fit_their_box(desktop_page, width):
    """The side menu leaves the 附件 box 430–690 px of a tablet's width, less than its table needs:
    the rows are cards there too (the box's width decides, not the screen's)."""
    page = desktop_page
    page.set_viewport_size({"width": width, "height": 1000})
    make_staff("editor", EDITOR)
    log_in(page, "editor")
    page.goto("/admin/news/article/add/")
    page.wait_for_load_state("load")
    box = page.locator("#attachments-group .tabular").bounding_box()
    assert box["width"] < 800  # beside the side menu
    for field in ("file", "name", "order"):
        control = page.locator(f"#id_attachments-0-{field}")
        control.scroll_into_view_if_needed()
        inside = control.bounding_box()
        assert box["x"] <= inside["x"] and inside["x"] + inside["width"] <= box["x"] + box["width"] + 0.5, (field, inside, box)
    row = page.locator("#attachments-0")
    assert [cell["label"] for cell in row.element_handle().evaluate(CARD_LABELS)] == ["文件", "显示名称", "排序"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [820, 1024])
def test_on_a_tablet_the_article_list_has_room_for_its_columns(desktop_page, width):
    """Beside the side menu and the filters, the list had some 210 px: titles broken every three
    characters, 状态 and the dates cut off. The filters go below it, as on a phone."""
    from news.tests.factories import ArticleFactory

    ArticleFactory(title="延安市老促会召开二〇二四年度工作总结会议")
    page = desktop_page
    page.set_viewport_size({"width": width, "height": 1000})
    make_staff("editor", EDITOR)
    log_in(page, "editor")
    page.goto("/admin/news/article/")
    results = page.locator("#result_list").bounding_box()
    filters = page.locator("#changelist-filter").bounding_box()
    assert results["width"] >= 450, results
    assert filters["y"] >= results["y"] + results["height"]  # below the list
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # The title on a few lines, not broken every three characters (it took 17 lines).
    assert page.locator("#result_list tbody .field-title").first.bounding_box()["height"] < 100
