"""Error pages for refused requests, and the local server of uploaded media."""

import errno
import mimetypes
import posixpath

from django.conf import settings
from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousFileOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.http import content_disposition_header
from django.views import csrf, static

# Only these types are shown in the browser; anything else from the media folder is a
# download, so an uploaded HTML or SVG file can never run script in the site's origin.
INLINE_MEDIA_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif", "image/avif"}
# Even as a download, a browser sniffing or rendering this file finds nothing to run.
MEDIA_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def bad_request(request, exception):
    """A Chinese 400 page that says why: most often a form that was too large."""
    if isinstance(exception, RequestDataTooBig):
        reason = (
            "提交的内容太大(超过 %s),服务器已拒绝。最常见的原因是正文里直接粘贴了照片(从 Word/WPS "
            "复制时会带上):请删去这些照片,改用“插入图片 → 浏览…”上传;也可以缩短正文,"
            "或把大文件作为附件分开上传。" % filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        )
    elif isinstance(exception, (TooManyFieldsSent, TooManyFilesSent)):
        reason = "一次提交的项目或文件太多,服务器已拒绝。请分几次提交。"
    else:
        reason = "请求无效,服务器无法处理。请检查网址或返回上一页重试。"
    if _is_admin_form(request):
        return _refused_admin_form(
            request,
            status=400,
            page_title="请求无法处理",
            heading="抱歉,这个请求无法处理",
            reason=reason,
            advice="刚才填写的内容没有保存。请点浏览器的“返回”按钮回到编辑页面,填写的内容仍在页面上;按上面说的改好以后再保存。",
        )
    return render(request, "400.html", {"reason": reason, "nav_channels": []}, status=400)


def csrf_failure(request, reason=""):
    """A form sent without the current CSRF token (the page was open across a new login, or the
    browser dropped the site's cookies): Django's own page with templates/403_csrf.html, except
    for a form of the admin, which gets the admin's look and the way back to its page."""
    if not _is_admin_form(request):
        return csrf.csrf_failure(request, reason)
    why = "为了安全,表单要在同一次登录中提交;这个页面打开以后,可能在别的标签页重新登录过,或者浏览器清除了本网站的 Cookie。"
    from django.urls import reverse

    if request.path == reverse("admin:login"):
        texts = {
            "heading": "抱歉,页面已过期,没有登录成功",
            "reason": "为了安全,登录要在刚打开的登录页面上进行;这个页面打开得太久,或者浏览器清除了本网站的 Cookie。",
            "advice": "请点下面的按钮重新打开登录页面,再登录一次。",
            "button": "重新打开登录页面",
            "editing_url": request.get_full_path(),  # with its ?next=, back to the page that asked
        }
    elif request.path == reverse("admin:logout"):
        texts = {
            "heading": "抱歉,页面已过期,没有退出登录",
            "reason": why,
            "advice": "请打开后台首页,再点右上角的“注销”。",
            "button": "打开后台首页",
            "editing_url": reverse("admin:index"),
        }
    else:
        texts = {
            "heading": "抱歉,页面已过期,提交没有成功",
            "reason": why,
            "advice": "刚才填写的内容没有保存。请点下面的按钮重新打开编辑页面:带正文的页面(文章、项目、县区、制度等)会在上方提示“恢复这些内容”,点它即可找回刚才填写的内容(选择的文件需要重新选择);其他页面请先点浏览器的“返回”按钮,把填写的内容复制下来。",
        }
    return _refused_admin_form(request, status=403, page_title="页面已过期", **texts)


def _is_admin_form(request) -> bool:
    return request.method == "POST" and request.path.startswith(_admin_prefix())


def _refused_admin_form(request, *, status: int, **texts):
    """The page of a refused admin form. No database-backed navigation or user tools: the
    request may have failed half-read."""
    from django.contrib import admin

    context = {
        "editing_url": request.path,
        "button": "重新打开编辑页面",
        **texts,
        "site_header": admin.site.site_header,
        "site_title": admin.site.site_title,
        "site_url": admin.site.site_url,
        "has_permission": False,
        "is_nav_sidebar_enabled": False,
    }
    return render(request, "admin/refused_form.html", context, status=status)


def _admin_prefix() -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("admin:index")
    except NoReverseMatch:
        return "/admin/"


MEDIA_CACHE_CONTROL = "public, max-age=2592000"


def serve_media(request, path, document_root=None):
    """``django.views.static.serve`` with headers that keep uploaded files inert.

    MEDIA_ROOT is read per request, not at import, so tests that move it are served too.
    """
    from .protected_media import is_protected

    # Judged on the path static.serve will open: "./attachments/…" or "a/../attachments/…"
    # must not slip past the check.
    if is_protected(posixpath.normpath(path)):
        # Attachments and publication PDFs only through the views that check publication.
        raise Http404("受保护的文件")
    try:
        response = static.serve(request, path, document_root=document_root or settings.MEDIA_ROOT)
    except SuspiciousFileOperation:
        raise Http404("不在媒体目录中")
    except OSError as error:
        # A name longer than the file system allows names no file: a 404, not a 500.
        if error.errno != errno.ENAMETOOLONG:
            raise
        raise Http404("文件名太长")
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if content_type not in INLINE_MEDIA_TYPES:
        response.headers["Content-Type"] = "application/octet-stream"
        response.headers["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=posixpath.basename(path)
        )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = MEDIA_CSP
    # As nginx sends them (deploy/nginx/portal.conf): uploads never change under their name.
    response.headers["Cache-Control"] = MEDIA_CACHE_CONTROL
    return response
