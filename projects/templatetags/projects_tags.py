from django import template

from projects import selectors

register = template.Library()


@register.inclusion_tag("projects/includes/county_block.html")
def county_projects(county):
    """A county page's reading rooms, key villages and awards (three queries).

    A template tag rather than a call in members' view, so that members never imports
    projects (projects already depends on members through the county).
    """
    return {"county_projects": selectors.for_county(county)}
