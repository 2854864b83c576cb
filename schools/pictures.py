"""The nine pictures young pupils choose from to log in."""

from dataclasses import dataclass

from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _

PICTURES_PER_PASSWORD = 3


@dataclass(frozen=True)
class Picture:
    slug: str
    label: str

    @property
    def url(self) -> str:
        return static(f"schools/pictures/{self.slug}.svg")


PICTURES = (
    Picture("sun", _("Sun")),
    Picture("moon", _("Moon")),
    Picture("star", _("Star")),
    Picture("tree", _("Tree")),
    Picture("flower", _("Flower")),
    Picture("cat", _("Cat")),
    Picture("fish", _("Fish")),
    Picture("boat", _("Boat")),
    Picture("apple", _("Apple")),
)
PICTURES_BY_SLUG = {picture.slug: picture for picture in PICTURES}


def pictures_for(password: str) -> list[Picture]:
    """The pictures of a stored picture password, in order (for login cards)."""
    return [PICTURES_BY_SLUG[slug] for slug in password.split("-") if slug in PICTURES_BY_SLUG]
