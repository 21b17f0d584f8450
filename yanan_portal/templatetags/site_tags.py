from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def render_once(context, template_name: str):
    """Render an included template once, to be output several times (``{% render_once "…" as html %}``).

    The header shows the same navigation twice (a folding menu on phones, a bar on wide
    screens); rendering it once halves its cost on every page (perf, issue 9)."""
    return context.template.engine.get_template(template_name).render(context)
