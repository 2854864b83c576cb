"""Deciding what an uploaded file really is, from its content, before a case keeps it.

A file's name and the type the browser claims are not trusted: the first bytes are matched
against known signatures (the `filetype` library, which Wagtail already uses), pictures are
opened and verified with Pillow (with a cap on pixels, so a tiny file that would expand to
gigabytes is refused), a PDF must start with its header, and plain text must be UTF-8 (or
Windows-1252) with no control characters and no markup. Anything else is refused with a
message that says what can be attached.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from dataclasses import dataclass

import filetype
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from . import conf

#: What may be attached: content type → (the extension it is saved with, Pillow's format name).
ALLOWED_TYPES = {
    "image/jpeg": ("jpg", "JPEG"),
    "image/png": ("png", "PNG"),
    "image/webp": ("webp", "WEBP"),
    "image/gif": ("gif", "GIF"),
    "application/pdf": ("pdf", None),
    "text/plain": ("txt", None),
}
ALLOWED_LABEL = _("a photo or screenshot (JPEG, PNG, WebP or GIF), a PDF, or a plain text file")

# Names that only programs, scripts or web pages have: refused whatever their content, so a
# script dressed up as text is never kept to be opened later.
REFUSED_EXTENSIONS = frozenset(
    {
        "exe",
        "dll",
        "com",
        "scr",
        "bat",
        "cmd",
        "msi",
        "ps1",
        "psm1",
        "vbs",
        "vbe",
        "js",
        "mjs",
        "jse",
        "wsf",
        "hta",
        "jar",
        "sh",
        "bash",
        "zsh",
        "py",
        "pl",
        "rb",
        "php",
        "html",
        "htm",
        "xhtml",
        "shtml",
        "svg",
        "svgz",
        "xml",
        "mht",
        "mhtml",
        "swf",
        "lnk",
        "reg",
        "app",
        "apk",
        "dmg",
        "iso",
    }
)
IMAGE_EXTENSIONS = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "gif": "image/gif",
    "pdf": "application/pdf",
}
MARKUP = re.compile(
    rb"<\s*(!doctype|html|head|body|script|svg|iframe|object|embed|\?xml|meta)\b", re.I
)
NAME_MAX = 200
HEAD_BYTES = 8192


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    extension: str
    original_name: str


def clean_name(raw: str | None) -> str:
    """The uploaded file's own name, kept only as data: any folders are dropped.

    A name with a NUL or other control character is refused (no real file is called that).
    """
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    if any(unicodedata.category(char) == "Cc" for char in name):
        raise ValidationError(
            _("The file's name has characters that can't be kept. Rename it and try again."),
            code="bad_name",
        )
    name = unicodedata.normalize("NFC", name)
    if name in ("", ".", ".."):
        name = _("attachment")
    if len(name) > NAME_MAX:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: NAME_MAX - len(ext) - 1] + dot + ext) if dot and len(ext) < 10 else name
        name = name[:NAME_MAX]
    return name


def too_big_message() -> str:
    limit = conf.attachment_max_bytes()
    size = f"{limit / 1024 / 1024:.0f} MB" if limit >= 1024 * 1024 else f"{limit:,} bytes"
    return _("This file is too big to attach: the most is %(limit)s. Nothing was saved.") % {
        "limit": size
    }


def _refuse(message: str, code: str = "type") -> ValidationError:
    return ValidationError(message, code=code)


def _not_allowed() -> ValidationError:
    return _refuse(
        _("This kind of file can't be attached. You can attach %(allowed)s.")
        % {"allowed": ALLOWED_LABEL}
    )


def _check_image(upload, content_type: str) -> None:
    expected_format = ALLOWED_TYPES[content_type][1]
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                width, height = image.size
                if width * height > conf.attachment_max_pixels():
                    raise _refuse(
                        _(
                            "This picture is too large to keep (%(width)s × %(height)s pixels). "
                            "Take a screenshot of the part that matters and attach that."
                        )
                        % {"width": f"{width:,}", "height": f"{height:,}"},
                        code="pixels",
                    )
                if image.format != expected_format:
                    raise _not_allowed()
                image.verify()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(
            _(
                "This picture is too large to keep. Take a screenshot of the part that matters "
                "and attach that."
            ),
            code="pixels",
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise _refuse(
            _("This picture seems to be damaged and can't be opened. Try saving it again."),
            code="damaged",
        ) from None


def _check_text(upload) -> None:
    upload.seek(0)
    data = upload.read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Notes saved on older Windows machines: their code page leaves a few bytes undefined,
        # and binary data is caught by the control-character check below.
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise _not_allowed() from None
    if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r\f" for c in text):
        raise _not_allowed()
    if MARKUP.search(data) or text.lstrip().startswith("#!"):
        raise _refuse(
            _(
                "This looks like a web page or a script, which can't be attached. Save it as a "
                "PDF or take a screenshot, and attach that."
            )
        )


def check_upload(upload) -> CheckedFile:
    """Decide what an upload is from its content, or refuse it with a message for the user.

    Checks, in order: the size limit (STREAMWISE_SAFEGUARDING_ATTACHMENT_MAX_BYTES), the name,
    the first bytes, then the whole file for its type.
    """
    if upload.size is None or upload.size > conf.attachment_max_bytes():
        raise _refuse(too_big_message(), code="size")
    if upload.size == 0:
        raise _refuse(_("This file is empty. Choose the file again."), code="empty")
    name = clean_name(upload.name)
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if extension in REFUSED_EXTENSIONS:
        raise _refuse(
            _(
                "Programs, scripts and web pages (.%(ext)s) can't be attached. You can attach "
                "%(allowed)s."
            )
            % {"ext": extension, "allowed": ALLOWED_LABEL}
        )
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    guess = filetype.guess(head)
    if guess is not None:
        content_type = guess.mime
        if content_type not in ALLOWED_TYPES or content_type == "text/plain":
            raise _not_allowed()
        if content_type.startswith("image/"):
            _check_image(upload, content_type)
        elif not head.startswith(b"%PDF-"):
            raise _not_allowed()
    else:
        content_type = "text/plain"
        _check_text(upload)
    claimed = IMAGE_EXTENSIONS.get(extension)
    if claimed is not None and claimed != content_type:
        raise _refuse(
            _("This file's name ends in .%(ext)s, but it isn't one. Attach the real file.")
            % {"ext": extension}
        )
    upload.seek(0)
    return CheckedFile(
        content_type=content_type,
        extension=ALLOWED_TYPES[content_type][0],
        original_name=name,
    )
