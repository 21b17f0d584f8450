"""``{% related_publications obj %}``: a box of the publications tagged with a county branch
or a programme, for their pages (members and projects need not import news views)."""

from django import template

from news import publication_selectors

register = template.Library()


@register.inclusion_tag("includes/related_publications_box.html")
def related_publications(obj, limit: int = 6):
    param = "county" if obj._meta.model_name == "countybranch" else "programme"
    return {"publications": publication_selectors.for_object(obj, limit=limit), "owner": obj, "param": param}
