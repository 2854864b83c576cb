"""`{% page_narration %}`: a read-aloud box for a page outside the lesson player (the pupil
login pages, "Talk to someone"), narrating the words in one small template."""

from django import template
from django.template.loader import render_to_string

from lessons import narration

register = template.Library()


@register.inclusion_tag("lessons/includes/read_aloud_button.html")
def page_narration(words_template: str, band: str = "4-7"):
    """Before login the band is unknown: the login pages are narrated at the 4-7 speed."""
    text = narration.text_from_html(render_to_string(words_template, {"age_band": band}))
    return {"narration_url": narration.generated_url(text, band)}
