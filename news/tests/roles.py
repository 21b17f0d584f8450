"""Staff accounts in the three roles created by the 0006_editorial_groups migration."""

import importlib

from django.contrib.auth.models import Group, Permission, User

EDITOR, PUBLISHER, ADMINISTRATOR = "编辑", "审核发布", "管理员"
PASSWORD = "correct-horse-battery-9"

_migration = importlib.import_module("news.migrations.0006_editorial_groups")


def _group(role: str) -> Group:
    group, created = Group.objects.get_or_create(name=role)
    if created:
        # A transactional (browser) test empties the tables that the data migration filled.
        if role == ADMINISTRATOR:
            perms = Permission.objects.filter(content_type__app_label__in=_migration.ADMINISTRATOR_APPS)
        else:
            pairs = _migration.PUBLISHER_PERMISSIONS if role == PUBLISHER else _migration.EDITOR_PERMISSIONS
            perms = [
                p
                for app, codename in pairs
                for p in Permission.objects.filter(content_type__app_label=app, codename=codename)
            ]
        group.permissions.add(*perms)
    return group


def make_staff(username: str, role: str | None) -> User:
    user = User.objects.create_user(username, password=PASSWORD, is_staff=role is not None)
    if role:
        user.groups.add(_group(role))
    return user


def log_in(page, username: str) -> None:
    """Log a staff member in through the admin's login form (a Playwright page)."""
    import re

    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))


def insert_photo(page, photo, *, alt: str, caption: str = "") -> None:
    """In the open rich-text editor: 插入图片 → 浏览…, upload ``photo`` in the window that opens,
    and insert it where the cursor is (a Playwright page)."""
    from playwright.sync_api import expect

    page.click(".prose-menubar button[title=插入图片]")
    dialog = page.locator("dialog[open]")
    with page.expect_popup() as popup_info:
        dialog.get_by_text("浏览…").click()
    popup = popup_info.value
    popup.set_input_files("#id_image", str(photo))
    popup.fill("#id_alt", alt)
    if caption:
        popup.fill("#id_caption", caption)
    # The window closes itself as soon as its answer page runs: listen before sending.
    with popup.expect_event("close"):
        popup.click("input[type=submit]")
    # The window handed the photo and its description back to the dialog.
    assert dialog.locator("input[name=altText]").input_value() == alt
    dialog.get_by_role("button", name="插入").click()
    # The dialog takes the focus with it; tiptap gives it back to the editor on the next frame,
    # and a key pressed before then would go nowhere.
    expect(page.locator(".ProseMirror-focused")).to_have_count(1)


def put_cursor_at_end(page, editor) -> None:
    """Click into a rich-text ``editor`` (a locator of its .ProseMirror element) and press Ctrl+End,
    as an editor does before adding to the end of a text.

    ProseMirror takes the caret's move over on the next selectionchange event, and 20 ms after
    the editor gains focus it puts the caret back where its state says, if the two differ. A
    Ctrl+End pressed within those 20 ms can be undone, and the photo then went into the middle
    of the text (seen once on a loaded CI machine). A person is never that quick: press again
    until the editor's own selection is at the end.
    """
    from playwright.sync_api import Error

    editor.click()
    for _ in range(5):
        page.keyboard.press("Control+End")
        try:
            editor.evaluate(
                """element => new Promise((resolve, reject) => {
                    const started = Date.now();
                    (function check() {
                        const state = element.editor.state;
                        // The end of the last text, in a list or a photo's caption too.
                        const end = state.selection.constructor.atEnd(state.doc).to;
                        if (state.selection.empty && state.selection.to === end) resolve();
                        else if (Date.now() - started > 1000) reject(new Error("not at the end"));
                        else setTimeout(check, 20);
                    })();
                })"""
            )
            return
        except Error:
            continue
    raise AssertionError("Ctrl+End did not bring the editor's cursor to the end of the text")


def wait_for_kept_copy(page, text: str) -> None:
    """Wait until 草稿保护 (static/js/draft-protection.js) has copied ``text`` to this computer:
    it writes 0.4 s after the last change, and leaving the page before then keeps nothing."""
    page.wait_for_function(
        "text => Object.keys(localStorage).some(key => key.startsWith('portal:article-draft:') && localStorage[key].includes(text))",
        arg=text,
    )


def open_a_copy_older_than_a_colleagues_save(page):
    """On a page whose kept copy (草稿保护) was written before a colleague's save: there is no
    恢复, only 显示这些内容; returns the box that shows the copy."""
    from playwright.sync_api import expect

    notice = page.locator(".draft-notice")
    expect(notice).to_contain_text("之后已有同事修改并保存了本页,不能直接恢复")
    expect(notice.get_by_role("button", name="恢复这些内容")).to_have_count(0)
    notice.get_by_role("button", name="显示这些内容").click()
    return page.get_by_role("region", name="这台电脑上保存的内容")
