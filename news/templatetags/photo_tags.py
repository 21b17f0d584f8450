"""Responsive photos on public pages (renditions made by yanan_portal.images)."""

from django import template

from yanan_portal import images

register = template.Library()


@register.simple_tag
def picture(image_field, alt: str = "", sizes: str = images.DEFAULT_SIZES):
    if not image_field:
        return ""
    return images.picture(image_field.name, alt=alt, sizes=sizes)


@register.simple_tag
def share_image(image_field) -> str:
    """og:image: the cover's JPEG/PNG rendition, absolute (``images.share_image_url``)."""
    return images.share_image_url(image_field.name) if image_field else ""
