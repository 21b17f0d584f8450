from django import template

from .. import selectors
from ..models import CountyBranch

register = template.Library()


@register.inclusion_tag("members/includes/home_block.html")
def members_home_block():
    """The home page's box: the 13 county branches and the key figures (two queries)."""
    organisation = selectors.organisation_with_counts()
    return {
        "branches": list(CountyBranch.objects.only("name", "slug", "order")),
        "figures": selectors.key_figures(organisation),
    }


@register.inclusion_tag("members/includes/footer_contact.html")
def org_footer():
    """The footer's names and contact lines from the organisation's records (cached)."""
    return {"footer": selectors.footer_contact()}
