"""Parent and carer packs: one page per module that families read at home.

A pack belongs to one module (`ModulePage.parent_pack`). It says, in plain language, what the
class learned, gives three conversation starters, the app settings that matter, signs to watch
for and what to do if something has happened. It holds nothing about any school or pupil, so it
is served to anyone at a public address (`lessons.parent_views`) and as a PDF.

The packs are written in `lessons/curriculum/parents/<module slug>.yaml` and loaded by
`load_curriculum` (`parent_packs_load`), and editors can change them under "Parent packs" in
the Wagtail admin. Both paths run the same check (`pack_problems`), because the advice on
evidence and where to get help must be exactly right (see the curriculum brief): a pack that
leaves out Report Remove, CEOP, Childline or the police numbers, or that tells a parent to
screenshot an image, is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import blocks as wagtail_blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField

# The loader is imported where it is used: this module defines a model, so it is imported
# while the app registry is still being filled, before the loader's own imports may be.
PARENTS_DIR = Path(__file__).resolve().parent / "curriculum" / "parents"

# The lists a pack is made of, in the order the page shows them: (field, label, help text).
LIST_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("learned", _("What the class learned"), _("Three to five short points.")),
    (
        "conversation_starters",
        _("Conversation starters"),
        _("Exactly three questions a parent or carer can ask at home."),
    ),
    (
        "app_settings",
        _("Settings that matter"),
        _(
            "Live streaming off or private, who can comment and send gifts, location off, "
            "age rules."
        ),
    ),
    ("signs", _("Signs to watch for"), _("Changes a parent or carer might notice.")),
    (
        "if_something_happened",
        _("If something has happened"),
        _(
            "What to do, in order: not your child's fault; keep messages, never images; "
            "Report Remove; CEOP; Childline 0800 1111; police 999 or 101."
        ),
    ),
)
LIST_NAMES = [name for name, _label, _help in LIST_FIELDS]
STARTERS = 3
MAX_SENTENCE_WORDS = 30  # plain language: no long lists crammed into one sentence
MAX_POINT_CHARS = 400

# Advice that must be in every pack: (where, what is missing, pattern).
REQUIRED_ADVICE: tuple[tuple[str, str, str], ...] = (
    (
        "if_something_happened",
        "that it is not the child's fault",
        r"not (?:your|their) child's fault|not (?:their|the child's) fault",
    ),
    ("if_something_happened", "to keep the messages", r"\bkeep\b[^.]*\bmessages\b"),
    (
        "if_something_happened",
        "never to screenshot, save or forward a nude image of a child",
        r"\bnever\b[^.]*\b(?:screenshot|save|forward)[^.]*\b(?:image|picture|photo|video)",
    ),
    (
        "if_something_happened",
        "Report Remove (Childline and the IWF, for under-18s)",
        r"\bReport Remove\b[^.]*\b(?:18|eighteen)",
    ),
    ("if_something_happened", "CEOP", r"\bCEOP\b"),
    ("if_something_happened", "Childline on 0800 1111", r"\bChildline\b[^.]*0800 1111"),
    ("if_something_happened", "999 when a child is in danger", r"\b999\b"),
    ("if_something_happened", "101 when no one is in danger now", r"\b101\b"),
    ("app_settings", "live streaming off or private", r"\blive\b"),
    ("app_settings", "who can comment", r"\bcomment"),
    ("app_settings", "who can send gifts", r"\bgift"),
    ("app_settings", "location off", r"\blocation\b"),
    ("app_settings", "that under-13s should not go live to the public", r"\b13s?\b"),
)
IMAGE_WORDS = r"\b(?:image|images|picture|pictures|photo|photos|video|videos|nude|nudes)\b"
COPY_WORDS = r"\b(?:screenshot|screenshots|save|forward|share|copy)\b"
NEGATION = r"\b(?:never|not|don't|do not)\b"


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?;])\s+", text) if s.strip()]


def pack_problems(values: dict[str, Any], *, age_band: str, name: str) -> list[str]:
    """Everything wrong with a pack's content (lists of strings by field), one line each."""
    from .loader import banned_words_in

    problems = []
    if not str(values.get("title") or "").strip():
        problems.append(f"{name}: missing `title`")
    if not str(values.get("intro") or "").strip():
        problems.append(f"{name}: missing `intro`")
    for field_name in LIST_NAMES:
        items = values.get(field_name)
        if not isinstance(items, list) or not [i for i in items if str(i).strip()]:
            problems.append(f"{name}: `{field_name}` needs at least one point")
        elif any(len(str(i)) > MAX_POINT_CHARS for i in items):
            problems.append(
                f"{name}: a point in `{field_name}` is over {MAX_POINT_CHARS} characters"
            )
    starters = values.get("conversation_starters") or []
    if isinstance(starters, list) and len(starters) != STARTERS:
        problems.append(f"{name}: give exactly {STARTERS} conversation starters")
    # Children hear the conversation starters, so the band's never-words apply to them.
    for word in banned_words_in(" ".join(map(str, starters)), age_band):
        problems.append(f"{name}: a conversation starter uses “{word}” (never for ages {age_band})")
    for where, missing, pattern in REQUIRED_ADVICE:
        items = values.get(where)
        text = " ".join(map(str, items)) if isinstance(items, list) else ""
        if not re.search(pattern, text, flags=re.IGNORECASE):
            problems.append(f"{name}: `{where}` must say {missing}")
    for field_name in ("intro", *LIST_NAMES):
        value = values.get(field_name)
        texts = value if isinstance(value, list) else [value or ""]
        for sentence in (s for text in texts for s in _sentences(str(text))):
            if len(sentence.split()) > MAX_SENTENCE_WORDS:
                problems.append(
                    f"{name}: a sentence in `{field_name}` is over {MAX_SENTENCE_WORDS} words "
                    f"(“{sentence[:40]}…”)"
                )
            if (
                re.search(COPY_WORDS, sentence, flags=re.IGNORECASE)
                and re.search(IMAGE_WORDS, sentence, flags=re.IGNORECASE)
                and not re.search(NEGATION, sentence, flags=re.IGNORECASE)
            ):
                problems.append(
                    f"{name}: `{field_name}` seems to say to copy or keep an image "
                    f"(“{sentence[:60]}…”); say to keep the messages, never the image"
                )
    return problems


# --- The model ---------------------------------------------------------------------------------


def _points_field(label, help_text, **kwargs):
    return StreamField(
        [("point", wagtail_blocks.TextBlock(label=_("Point"), max_length=MAX_POINT_CHARS))],
        verbose_name=label,
        help_text=help_text,
        **kwargs,
    )


class ParentPack(models.Model):
    """The "talk about it at home" pack for one module: plain language, one printed page.

    Public by design: it must never hold anything about a school, a class or a pupil.
    """

    module = models.OneToOneField(
        "lessons.ModulePage",
        on_delete=models.CASCADE,
        related_name="parent_pack",
        verbose_name=_("module"),
    )
    title = models.CharField(_("title"), max_length=120)
    intro = models.TextField(
        _("introduction"), help_text=_("One or two sentences a parent or carer reads first.")
    )
    learned = _points_field(*LIST_FIELDS[0][1:])
    conversation_starters = _points_field(*LIST_FIELDS[1][1:], min_num=STARTERS, max_num=STARTERS)
    app_settings = _points_field(*LIST_FIELDS[2][1:])
    signs = _points_field(*LIST_FIELDS[3][1:])
    if_something_happened = _points_field(*LIST_FIELDS[4][1:])
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("module"),
        FieldPanel("title"),
        FieldPanel("intro"),
        *[FieldPanel(name) for name in LIST_NAMES],
    ]

    class Meta:
        verbose_name = _("parent and carer pack")
        verbose_name_plural = _("parent and carer packs")

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("parents:pack", args=[self.module.slug])

    def pdf_url(self) -> str:
        return reverse("parents:pack_pdf", args=[self.module.slug])

    def points(self, field_name: str) -> list[str]:
        return [str(child.value) for child in getattr(self, field_name)]

    def sections(self) -> list[tuple[str, str, list[str]]]:
        """(field name, heading, points) for each list, in page order."""
        return [(name, label, self.points(name)) for name, label, _help in LIST_FIELDS]

    def clean(self):
        """The editor gets the same check as the curriculum files."""
        super().clean()
        if not self.module_id:
            return
        values = {"title": self.title, "intro": self.intro}
        values.update({name: self.points(name) for name in LIST_NAMES})
        problems = pack_problems(values, age_band=self.module.age_band, name="pack")
        if problems:
            raise ValidationError([self._for_editors(p) for p in problems])

    @staticmethod
    def _for_editors(problem: str) -> str:
        """A problem in the editor's words: the fields by their labels, no file name."""
        problem = problem.split(": ", 1)[1]
        for name, label, _help in LIST_FIELDS:
            problem = problem.replace(f"`{name}`", f"“{label}”")
        return problem.replace("`title`", "the title").replace("`intro`", "the introduction")


# --- Loading the files -------------------------------------------------------------------------


@dataclass
class PackReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def _read(path: Path) -> dict:
    from .loader import CurriculumError

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise CurriculumError(f"parents/{path.name}: not valid YAML ({error})") from error
    if not isinstance(data, dict) or not isinstance(data.get("module"), str):
        raise CurriculumError(f"parents/{path.name}: expected `module: <module slug>` and a pack")
    return data


def _stream(module_slug: str, field_name: str, items: list) -> list[dict]:
    from .loader import block_id

    return [
        {
            "type": "point",
            "value": str(text).strip(),
            "id": block_id(module_slug, "parents", field_name, i),
        }
        for i, text in enumerate(items)
    ]


def _state(pack: ParentPack) -> dict:
    state = {"title": pack.title, "intro": pack.intro}
    for name in LIST_NAMES:
        state[name] = ParentPack._meta.get_field(name).get_prep_value(getattr(pack, name))
    return state


def parent_packs_load(*, directory: Path | None = None) -> PackReport:
    """Create or update the packs from `<directory>/*.yaml` (default: the curriculum's `parents/`).

    Every file is checked first (its module exists, `pack_problems` finds nothing); if any
    fails, CurriculumError says where and nothing is written. Running it again with the same
    files changes nothing.
    """
    from . import loader
    from .loader import CurriculumError
    from .models import ModulePage

    # Beside the curriculum files, wherever they are read from (looked up now, not at import).
    directory = Path(directory or loader.CURRICULUM_DIR / "parents")
    report = PackReport()
    files = sorted(directory.glob("*.yaml")) if directory.is_dir() else []
    problems, ready, seen = [], [], set()
    for path in files:
        data = _read(path)
        name = f"parents/{path.name}"
        if data["module"] in seen:
            problems.append(f"{name}: another file is already the pack of “{data['module']}”")
            continue
        seen.add(data["module"])
        module = ModulePage.objects.filter(slug=data["module"]).first()
        if module is None:
            problems.append(f"{name}: there is no module “{data['module']}” (load it first)")
            continue
        values = {key: data.get(key) for key in ("title", "intro", *LIST_NAMES)}
        problems += pack_problems(values, age_band=module.age_band, name=name)
        ready.append((module, values))
    if problems:
        raise CurriculumError("Parent packs refused:\n  " + "\n  ".join(problems))
    with transaction.atomic():
        for module, values in ready:
            fields = {"title": str(values["title"]).strip(), "intro": str(values["intro"]).strip()}
            fields.update({n: _stream(module.slug, n, values[n]) for n in LIST_NAMES})
            pack = ParentPack.objects.filter(module=module).first()
            if pack is None:
                ParentPack.objects.create(module=module, **fields)
                report.created.append(module.slug)
                continue
            before = _state(pack)
            for key, value in fields.items():
                setattr(pack, key, value)
            if _state(pack) == before:
                report.unchanged.append(module.slug)
            else:
                pack.save()
                report.updated.append(module.slug)
    return report
