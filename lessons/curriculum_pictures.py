"""The curriculum's pictures: checking the `picture:` keys, and importing the files.

Pictures are Streamwise's own artwork in `lessons/illustrations/`, named by `picture:` keys on
steps, choices and sort cards; `PictureLibrary` imports each into Wagtail's image library once.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from wagtail.images import get_image_model
from wagtail.models import Collection
from wagtail.utils.file import hash_filelike
from willow.image import Image as WillowImage

from .curriculum_rules import CurriculumReader, step_blocks

# Streamwise's own artwork, named by `picture:` keys (built by scripts/build_illustrations.py).
ILLUSTRATIONS_DIR = Path(__file__).resolve().parent / "illustrations"
PICTURE_EXTENSIONS = {".svg", ".png"}
PICTURE_TITLE_PREFIX = "Streamwise illustration: "


def _picture_parts(raw: Any) -> tuple[Any, Any]:
    """(file name, alt text) from a `picture:` key: `name.svg` or `{file: name.svg, alt: …}`."""
    if isinstance(raw, dict):
        return raw.get("file"), raw.get("alt")
    return raw, None


def _picture_problem(raw: Any, *, where: str, alt_required: bool, directory: Path) -> str | None:
    filename, alt = _picture_parts(raw)
    if not isinstance(filename, str) or not filename.strip():
        return f"{where}: `picture` needs a file name (`picture: {{file: name.svg, alt: …}}`)"
    filename = filename.strip()
    if Path(filename).name != filename or Path(filename).suffix.lower() not in PICTURE_EXTENSIONS:
        return f"{where}: picture “{filename}” must be an .svg or .png file name, with no folder"
    if not (directory / filename).is_file():
        return (
            f"{where}: picture “{filename}” is not in lessons/illustrations/ (add the file, or "
            "run `python scripts/build_illustrations.py`)"
        )
    if alt_required and not (isinstance(alt, str) and alt.strip()):
        return f"{where}: picture “{filename}” needs `alt:`, a short description for the band"
    return None


def picture_problems(data: dict, *, name: str, directory: Path | None = None) -> list[str]:
    """`picture:` keys on steps, choices and sort cards that name no usable file or lack alt."""
    directory = Path(directory or ILLUSTRATIONS_DIR)
    problems = []
    lessons = data.get("lessons")
    for lesson in lessons if isinstance(lessons, list) else []:
        steps = lesson.get("steps") if isinstance(lesson, dict) else None
        for number, step in enumerate(steps if isinstance(steps, list) else [], start=1):
            where = f"{name} › {lesson.get('slug', '?')} › step {number}"
            places = []
            if isinstance(step, dict) and "picture" in step:
                places.append((step["picture"], True))
            for block in step_blocks(step):
                if not isinstance(block, dict):
                    continue
                scenes = block.get("scenes") if block.get("type") == "what_would_you_do" else []
                for scene in scenes if isinstance(scenes, list) else []:
                    choices = scene.get("choices") if isinstance(scene, dict) else None
                    for choice in choices if isinstance(choices, list) else []:
                        if isinstance(choice, dict) and "picture" in choice:
                            places.append((choice["picture"], False))
                cards = block.get("cards") if block.get("type") == "sort_it" else []
                for card in cards if isinstance(cards, list) else []:
                    if isinstance(card, dict) and "picture" in card:
                        places.append((card["picture"], False))
            for raw, alt_required in places:
                problem = _picture_problem(
                    raw, where=where, alt_required=alt_required, directory=directory
                )
                if problem:
                    problems.append(problem)
    return problems


def _ensure_root_collection() -> None:
    """Wagtail files every image in a collection; its migration makes the root, but a database
    emptied since (a flushed test database, a hand-cleaned site) may have none."""
    if not Collection.objects.exists():
        Collection.add_root(name="Root")


class PictureLibrary:
    """Imports the curriculum's pictures into Wagtail's image library, once each.

    A picture is matched by the SHA-1 of its file (Wagtail's `file_hash`), so re-loading reuses
    the same image and an editor may retitle it or move it to another collection; failing that,
    by its title ("Streamwise illustration: <name>"), so an image whose file an editor replaced
    in the image library keeps the editor's file. (To ship new artwork under an old name, delete
    or retitle the old image first.) Editors replace or add pictures through the image library
    and the step's image chooser.
    """

    def __init__(self, directory: Path | None = None):
        self.directory = Path(directory or ILLUSTRATIONS_DIR)
        self._by_name: dict[str, int] = {}
        self.imported: list[str] = []

    def image_id(self, filename: str, r: CurriculumReader) -> int:
        filename = filename.strip()
        if filename in self._by_name:
            return self._by_name[filename]
        path = self.directory / filename
        if Path(filename).name != filename or not path.is_file():
            r.fail(f"picture “{filename}” is not in lessons/illustrations/")
        data = path.read_bytes()
        digest = hash_filelike(BytesIO(data))  # Wagtail's own `file_hash` (SHA-1)
        image_model = get_image_model()
        title = f"{PICTURE_TITLE_PREFIX}{Path(filename).stem}"
        image = (
            image_model.objects.filter(file_hash=digest).order_by("pk").first()
            # An editor may have replaced the file in the image library: theirs is kept.
            or image_model.objects.filter(title=title).order_by("pk").first()
        )
        if image is None:
            _ensure_root_collection()  # a new site's library may not have its root yet
            width, height = WillowImage.open(BytesIO(data)).get_size()
            image = image_model(title=title)
            image.file.save(filename, ContentFile(data), save=False)
            # After the file: Django's image field cannot measure an SVG, Willow can.
            image.width, image.height = width, height
            image.file_size = len(data)
            image.file_hash = digest
            image.save()
            self.imported.append(filename)
        self._by_name[filename] = image.pk
        return image.pk

    def value(self, raw: Any, r: CurriculumReader) -> tuple[int | None, str]:
        """(image id, alt text) for a `picture:` key, or (None, "") when there is none."""
        if raw is None:
            return None, ""
        filename, alt = _picture_parts(raw)
        if not isinstance(filename, str) or not filename.strip():
            r.fail("`picture` needs a file name")
        return self.image_id(filename, r), str(alt or "").strip()
