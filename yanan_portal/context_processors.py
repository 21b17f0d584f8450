from django.conf import settings

from news.selectors import navigation_channels


def portal(request):
    """What every page's header and footer need: navigation, reader preferences, the 备案号."""
    from yanan_portal.views import CONTRASTS, TEXT_SIZES

    text_size = request.COOKIES.get("textsize")
    contrast = request.COOKIES.get("contrast")
    return {
        "nav_channels": _LazyList(lambda: navigation_channels(request)),
        "text_size": text_size if text_size in TEXT_SIZES else "md",
        "contrast": contrast if contrast in CONTRASTS else "normal",
        "text_sizes": TEXT_SIZES,
        "icp_record": settings.ICP_RECORD,
        "site_url": settings.SITE_URL,
    }


class _LazyList:
    """Evaluated on first use, so pages that do not show the navigation (the admin) pay nothing."""

    def __init__(self, loader):
        self._loader = loader
        self._items = None

    def _load(self):
        if self._items is None:
            self._items = self._loader()
        return self._items

    def __iter__(self):
        return iter(self._load())

    def __len__(self):
        return len(self._load())

    def __bool__(self):
        return bool(self._load())
