from django import template
from django.utils import timezone

from yanan_portal.images import responsive_body
from yanan_portal.richtext import sanitize_html

register = template.Library()


@register.filter
def rich_text(html: str):
    """Editor-written HTML as readers get it: cleaned by the allowlist once more (text that
    reached the database by another door than save(), such as update() or a restored dump,
    is not trusted), with each of our photos as a responsive ``<picture>``."""
    return responsive_body(sanitize_html(html))


@register.simple_tag(takes_context=True)
def render_once(context, template_name: str):
    """Render an included template once, to be output several times (``{% render_once "…" as html %}``).

    The header shows the same navigation twice (a folding menu on phones, a bar on wide
    screens); rendering it once halves its cost on every page (perf, issue 9)."""
    return context.template.engine.get_template(template_name).render(context)


# A list shows two dates on every line (the visible day and the machine-readable time);
# the date filter goes through the localised format machinery each time and cost a tenth
# of a list page (perf, issue 9). These give the same text in the site's time zone.


def _local(value):
    return timezone.localtime(value) if timezone.is_aware(value) else value


@register.filter
def day(value) -> str:
    """``2026-11-29``: what ``|date:"Y-m-d"`` shows."""
    return _local(value).strftime("%Y-%m-%d") if value else ""


@register.filter
def iso_datetime(value) -> str:
    """``2026-11-29T20:05:00+08:00`` for ``<time datetime>`` and meta tags (ISO 8601)."""
    return _local(value).isoformat(timespec="seconds") if value else ""
