"""Template helpers of the posts app (the composer lists the spaces the viewer can post in)."""

from django import template

from chrysalis.posts.queries import postable_spaces as _postable_spaces

register = template.Library()


@register.simple_tag
def postable_spaces(user):
    """`{% postable_spaces user as spaces %}`: spaces the user may post in (one query)."""
    return list(_postable_spaces(user))
