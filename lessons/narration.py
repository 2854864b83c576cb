"""Narration: audio files for what a 4-7 or 8-10 pupil reads on screen.

The shipped curriculum is narrated offline by `manage.py make_narration` with espeak-ng (a
Debian package, British English voice, no model downloaded at run time) and encoded to MP3 with
`lameenc` (a pip wheel with LAME built in, so no ffmpeg is needed). Files are content-addressed:
the name is a hash of the words spoken and how they are spoken, so a page only ever offers audio
that matches the text on it. When an editor changes the words, the old audio simply stops being
offered (the read-aloud button falls back to the device's voice) until `make_narration` is run.
An editor may instead attach a recorded file to a step in Wagtail; that always wins.

What is narrated is the text the pupil sees, extracted from the rendered HTML by the same rules
as `read_aloud.js` (decorative images and anything marked `data-read-aloud-skip` are left out).
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import wave
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from django.templatetags.static import static

NARRATED_BANDS = ("4-7", "8-10")
VOICE = "en-gb"
# Words per minute: slower for the youngest pupils.
SPEEDS = {"4-7": 125, "8-10": 150}
DEFAULT_SPEED = 150
BITRATE_KBPS = 32
STATIC_PREFIX = "lessons/narration/"
AUDIO_DIR = Path(__file__).resolve().parent / "static" / "lessons" / "narration"
MANIFEST = "manifest.json"

_SKIP_TAGS = {"script", "style", "template", "input", "select", "textarea"}
_BLOCK_TAGS = {
    "p",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "legend",
    "label",
    "dt",
    "dd",
    "figcaption",
    "summary",
    "blockquote",
    "td",
    "th",
    "button",
}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class _TextExtractor(HTMLParser):
    """The words in an HTML fragment, block by block, as read_aloud.js reads them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, skipped, is_block)
        self.parts: list[str] = []
        self.block_id = 0
        self.last_block: int | None = None
        self._counter = 0

    def _skipped(self) -> bool:
        return any(skipped for _, skipped, _ in self.stack)

    def handle_starttag(self, tag, attrs):
        if tag in _VOID:
            return
        names = dict(attrs)
        skipped = (
            tag in _SKIP_TAGS
            or "data-read-aloud-skip" in names
            or "hidden" in names
            or names.get("aria-hidden") == "true"
        )
        is_block = tag in _BLOCK_TAGS
        if is_block:
            self._counter += 1
        self.stack.append((tag, skipped, self._counter if is_block else 0))

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if self._skipped() or not data.strip():
            return
        block = next((b for _, _, b in reversed(self.stack) if b), -len(self.stack) - 1)
        if self.parts and block != self.last_block and self.parts[-1][-1] not in ".!?:;":
            self.parts[-1] += "."
        self.parts.append(" ".join(data.split()))
        self.last_block = block


def text_from_html(html: str) -> str:
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    return " ".join(parser.parts)


def speed_for(band: str | None) -> int:
    return SPEEDS.get(band or "", DEFAULT_SPEED)


def audio_name(text: str, band: str | None) -> str:
    key = f"{VOICE}|{speed_for(band)}|{BITRATE_KBPS}|{text}"
    return hashlib.sha256(key.encode()).hexdigest()[:24] + ".mp3"


def generated_url(text: str, band: str | None) -> str | None:
    """The URL of the generated narration for these words, if it has been made."""
    if not text or band not in NARRATED_BANDS:
        return None
    name = audio_name(text, band)
    if not (AUDIO_DIR / name).exists():
        return None
    try:
        return static(STATIC_PREFIX + name)
    except ValueError:  # made after collectstatic last ran: not served yet
        return None


# --- Making the audio ----------------------------------------------------------------------


class NarrationError(Exception):
    pass


def espeak_binary() -> str:
    found = shutil.which("espeak-ng")
    if not found:
        raise NarrationError(
            "espeak-ng is not installed. `make install` installs it (apt-get install espeak-ng)."
        )
    return found


def synthesise_wav(text: str, *, speed: int) -> bytes:
    # A fixed argument list; the words go to stdin, never to a shell.
    result = subprocess.run(  # noqa: S603
        [espeak_binary(), "-v", VOICE, "-s", str(speed), "--stdout"],
        input=text.encode(),
        capture_output=True,
        check=False,
        timeout=120,
    )
    if result.returncode != 0 or not result.stdout:
        raise NarrationError(f"espeak-ng failed: {result.stderr.decode(errors='replace')[:200]}")
    return result.stdout


def wav_to_mp3(wav_bytes: bytes) -> bytes:
    import lameenc

    with wave.open(io.BytesIO(_fix_wav_sizes(wav_bytes))) as wav:
        channels, width, rate = wav.getnchannels(), wav.getsampwidth(), wav.getframerate()
        frames = wav.readframes(wav.getnframes())
    if width != 2:
        raise NarrationError("espeak-ng produced audio that is not 16-bit.")
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(BITRATE_KBPS)
    encoder.set_in_sample_rate(rate)
    encoder.set_channels(channels)
    encoder.set_quality(2)
    return bytes(encoder.encode(frames) + encoder.flush())


def _fix_wav_sizes(data: bytes) -> bytes:
    """espeak-ng writes "unknown" sizes when streaming to stdout; fill in the real ones."""
    if data[:4] != b"RIFF" or data[36:40] != b"data":
        return data
    data = bytearray(data)
    data[4:8] = (len(data) - 8).to_bytes(4, "little")
    data[40:44] = (len(data) - 44).to_bytes(4, "little")
    return bytes(data)


@dataclass(frozen=True)
class NarrationItem:
    key: str  # where the words are, for people reading the manifest
    band: str
    text: str

    @property
    def file(self) -> str:
        return audio_name(self.text, self.band)


def read_manifest(directory: Path = AUDIO_DIR) -> dict:
    path = directory / MANIFEST
    if not path.exists():
        return {}
    return json.loads(path.read_text())


def write_manifest(items: list[NarrationItem], directory: Path = AUDIO_DIR) -> None:
    entries = {
        item.key: {
            "file": item.file,
            "sha256": hashlib.sha256(item.text.encode()).hexdigest(),
            "band": item.band,
        }
        for item in items
    }
    (directory / MANIFEST).write_text(json.dumps(entries, indent=1, sort_keys=True) + "\n")


def out_of_date(items: list[NarrationItem], directory: Path = AUDIO_DIR) -> list[str]:
    """Problems that make the narration disagree with the text (empty when up to date)."""
    problems = []
    manifest = read_manifest(directory)
    for item in items:
        entry = manifest.get(item.key)
        if not (directory / item.file).exists():
            problems.append(f"{item.key}: no audio for the current text")
        elif entry is None or entry["file"] != item.file:
            problems.append(f"{item.key}: the manifest does not match the current text")
    wanted = {item.key for item in items}
    problems += [f"{key}: narrated text no longer exists" for key in manifest if key not in wanted]
    return problems


def generate(items: list[NarrationItem], directory: Path = AUDIO_DIR) -> tuple[int, int]:
    """Make the missing audio files and remove unused ones; (made, removed)."""
    directory.mkdir(parents=True, exist_ok=True)
    made = 0
    wanted = set()
    for item in items:
        wanted.add(item.file)
        target = directory / item.file
        if target.exists():
            continue
        mp3 = wav_to_mp3(synthesise_wav(item.text, speed=speed_for(item.band)))
        target.write_bytes(mp3)
        made += 1
    removed = 0
    for path in directory.glob("*.mp3"):
        if path.name not in wanted:
            path.unlink()
            removed += 1
    write_manifest(items, directory)
    return made, removed


# --- What is narrated --------------------------------------------------------------------


def step_text(lesson, step, request=None) -> str:
    """The words of a lesson step (or the introduction, when `step` is None) as first shown."""
    from django.template.loader import render_to_string

    from .player import step_items

    items = step_items(lesson, step, base_url="", responses={}) if step else []
    html = render_to_string(
        "lessons/includes/narration_step.html",
        {"lesson": lesson, "step": step, "items": items},
        request=request,
    )
    return text_from_html(html)


def step_audio_url(lesson, step, request=None) -> str | None:
    """The narration to play for a step: the editor's recording, else generated audio."""
    recorded = getattr(step, "narration", None) if step else None
    if recorded is not None:
        return recorded.url
    band = lesson.age_band
    if band not in NARRATED_BANDS:
        return None
    return generated_url(step_text(lesson, step, request), band)


def _sentence(words: str | None) -> str:
    words = " ".join((words or "").split())
    return words if not words or words[-1] in ".!?:;" else words + "."


def question_parts(question, options=None) -> list[str]:
    """A quiz question's words as separate recordings: the story and the question, then each
    option in `options` order (the order this attempt shows them; authored order if omitted).

    Options are shuffled per attempt, so they are narrated one file each and played in the
    order on screen, rather than as one recording that could only follow one order."""
    if options is None:
        options = question.options.all()
    stem = " ".join(s for s in (_sentence(question.scenario), _sentence(question.text)) if s)
    return [part for part in [stem, *(_sentence(option.text) for option in options)] if part]


def question_text(question, options=None) -> str:
    """A quiz question's words as read aloud, options in `options` order."""
    return " ".join(question_parts(question, options))


def question_audio_urls(question, options=None) -> list[str]:
    """The narration files of a question, in the order they play; empty unless all are made."""
    band = question.quiz.age_band
    urls = [generated_url(part, band) for part in question_parts(question, options)]
    return urls if urls and all(urls) else []


# Pages outside the player: (key, the template holding their words, band). They use
# `{% page_narration %}` (lessons/templatetags/narration_tags.py) with the same template.
PAGE_WORDS = [
    ("page/login-code", "lessons/narration/login_code.html", "4-7"),
    ("page/login-name", "lessons/narration/login_name.html", "4-7"),
    ("page/login-pictures", "lessons/narration/login_pictures.html", "4-7"),
    ("page/talk/4-7", "lessons/narration/talk.html", "4-7"),
    ("page/talk/8-10", "lessons/narration/talk.html", "8-10"),
]


def page_items() -> list[NarrationItem]:
    from django.template.loader import render_to_string

    return [
        NarrationItem(
            key=key,
            band=band,
            text=text_from_html(render_to_string(template, {"age_band": band})),
        )
        for key, template, band in PAGE_WORDS
    ]


def curriculum_items(request=None) -> list[NarrationItem]:
    """Everything narrated: 4-7 and 8-10 lesson steps and quiz questions, and the pages
    pupils of those ages see outside lessons (logging in, "Talk to someone")."""
    from quizzes.models import Question

    from .models import LessonPage, ModulePage

    items = page_items()
    modules = ModulePage.objects.live().filter(age_band__in=NARRATED_BANDS).order_by("path")
    for module in modules:
        for lesson in LessonPage.objects.child_of(module).live().order_by("path"):
            lesson = lesson.specific
            for step in [None, *lesson.steps]:
                if step is not None and step.narration is not None:
                    continue  # a recording replaces the generated audio
                number = step.number if step else 0
                text = step_text(lesson, step, request)
                key = f"lesson/{module.slug}/{lesson.slug}/step-{number}"
                items.append(NarrationItem(key=key, band=module.age_band, text=text))
    questions = (
        Question.objects.filter(quiz__age_band__in=NARRATED_BANDS)
        .select_related("quiz")
        .prefetch_related("options")
        .order_by("quiz__age_band", "quiz__pk", "sort_order", "pk")
    )
    for question in questions:
        key = f"quiz/{question.quiz.age_band}/{question.quiz.pk}/question-{question.pk}"
        stem, *options = question_parts(question)
        items.append(NarrationItem(key=key, band=question.quiz.age_band, text=stem))
        items += [
            NarrationItem(key=f"{key}/option-{number}", band=question.quiz.age_band, text=text)
            for number, text in enumerate(options, start=1)
        ]
    return items
