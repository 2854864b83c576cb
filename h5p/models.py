"""H5P libraries (trusted code), content (uploaded packages) and the xAPI statements pupils send.

Files live in the storage named by ``STREAMWISE_H5P_STORAGE`` (``STORAGES["h5p"]``, a private
folder outside the public media root, unless set), under a fresh folder per upload; the models
keep a manifest of what was stored, and only files in a manifest are ever served.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import conf
from .origin import h5p_url
from .validation import LibraryRef


class H5PLibraryQuerySet(models.QuerySet):
    def get_ref(self, ref: LibraryRef) -> H5PLibrary | None:
        """The installed library for a major.minor reference (any patch), or None."""
        return self.filter(
            machine_name=ref.machine_name, major_version=ref.major, minor_version=ref.minor
        ).first()

    def for_folder(self, folder_name: str) -> H5PLibrary | None:
        """The library served under ``Machine.Name-1.2`` (the folder name H5P uses)."""
        machine_name, _dash, version = folder_name.rpartition("-")
        major, _dot, minor = version.partition(".")
        if not (machine_name and major.isdecimal() and minor.isdecimal()):
            return None
        return self.get_ref(LibraryRef(machine_name, int(major), int(minor)))

    def runnable(self):
        return self.filter(runnable=True)


class H5PLibrary(models.Model):
    """An installed H5P library: a content type or a helper, trusted code.

    Installed only by the ``install_h5p_library`` command or by a user with the *install*
    permission; an uploaded content package can never add or change one. One row per
    machine name and major.minor: a newer patch replaces the files of the older one.
    """

    machine_name = models.CharField(_("machine name"), max_length=255)
    major_version = models.PositiveIntegerField(_("major version"))
    minor_version = models.PositiveIntegerField(_("minor version"))
    patch_version = models.PositiveIntegerField(_("patch version"))
    title = models.CharField(_("title"), max_length=255)
    runnable = models.BooleanField(
        _("content type"),
        default=False,
        help_text=_("Whether content can be made with this library (a helper library cannot)."),
    )
    metadata = models.JSONField(_("library.json"), default=dict)
    storage_path = models.CharField(_("storage folder"), max_length=500)
    files = models.JSONField(
        _("stored files"), default=dict, help_text=_("Path in the library → stored file name.")
    )
    checksum = models.CharField(_("checksum"), max_length=64)
    installed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("installed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    installed_at = models.DateTimeField(_("installed at"), auto_now=True)

    objects = H5PLibraryQuerySet.as_manager()

    class Meta:
        verbose_name = _("H5P library")
        verbose_name_plural = _("H5P libraries")
        ordering = ["machine_name", "major_version", "minor_version"]
        default_permissions = ("view", "delete")
        permissions = [("install_h5plibrary", _("Can install H5P libraries (trusted code)"))]
        constraints = [
            models.UniqueConstraint(
                fields=["machine_name", "major_version", "minor_version"],
                name="h5p_library_unique_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.version_string})"

    @property
    def ref(self) -> LibraryRef:
        return LibraryRef(self.machine_name, self.major_version, self.minor_version)

    @property
    def version(self) -> str:
        return f"{self.major_version}.{self.minor_version}.{self.patch_version}"

    @property
    def version_string(self) -> str:
        return f"{self.machine_name} {self.version}"

    @property
    def folder_name(self) -> str:
        return self.ref.folder_name


class H5PContent(models.Model):
    """One uploaded H5P activity: its ``h5p.json``, ``content.json`` and content files.

    ``key`` is the public identifier used in URLs on the H5P origin (unguessable, unlike the
    primary key). ``max_score`` is the most points the activity can give, when known; xAPI
    scores are clamped to it.
    """

    key = models.UUIDField(_("public key"), default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Optional. A stable name content files (such as the curriculum) can use."),
    )
    main_library = models.ForeignKey(
        H5PLibrary,
        verbose_name=_("type"),
        on_delete=models.PROTECT,
        related_name="contents",
    )
    dependencies = models.ManyToManyField(
        H5PLibrary, verbose_name=_("required libraries"), related_name="dependent_contents"
    )
    h5p_json = models.JSONField(_("h5p.json"), default=dict)
    content_json = models.JSONField(_("content.json"), default=dict)
    storage_path = models.CharField(_("storage folder"), max_length=500)
    files = models.JSONField(
        _("stored files"), default=dict, help_text=_("Path under content/ → stored file name.")
    )
    package_sha256 = models.CharField(_("package checksum"), max_length=64)
    max_score = models.PositiveIntegerField(
        _("maximum score"),
        null=True,
        blank=True,
        help_text=_(
            "The most points this activity can give. Scores sent from the activity are never "
            "allowed above it. Filled in for Streamwise's own activity types; leave blank if "
            "unknown."
        ),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("H5P activity")
        verbose_name_plural = _("H5P activities")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def type_title(self) -> str:
        return self.main_library.title

    def get_player_url(self) -> str:
        """The player on the H5P origin (empty when no H5P origin is configured)."""
        return h5p_url("h5p:play", self.key) if conf.h5p_origin() else ""


class XAPIStatementQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user)

    def top_level(self):
        """Statements about the whole activity (only these count for its score)."""
        return self.filter(top_level=True)

    def counted(self):
        """Top-level statements whose score was not cut down (so they may complete or pass)."""
        return self.filter(top_level=True, clamped=False)

    def completed(self):
        return self.counted().filter(Q(completed=True) | Q(passed=True))


class XAPIStatement(models.Model):
    """An xAPI statement accepted from an activity, with the score the server made of it.

    ``statement`` is what the browser sent, minus its actor (the user is the session's, never
    the statement's). ``raw``, ``max`` and ``scaled`` are the clamped values; ``clamped`` says a
    claimed score had to be cut down, and such a statement never completes or passes.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="h5p_statements",
    )
    content = models.ForeignKey(
        H5PContent,
        verbose_name=_("activity"),
        on_delete=models.CASCADE,
        related_name="statements",
    )
    verb = models.CharField(_("verb"), max_length=32)
    raw = models.FloatField(_("raw score"), null=True, blank=True)
    max = models.FloatField(_("maximum score"), null=True, blank=True)
    scaled = models.FloatField(_("scaled score"), null=True, blank=True)
    completed = models.BooleanField(_("completed"), default=False)
    passed = models.BooleanField(_("passed"), default=False)
    clamped = models.BooleanField(_("score cut down"), default=False)
    top_level = models.BooleanField(_("whole activity"), default=True)
    context_id = models.CharField(_("context"), max_length=200, blank=True)
    activity_id = models.CharField(_("activity id"), max_length=500, blank=True)
    statement = models.JSONField(_("statement"))
    created_at = models.DateTimeField(_("received"), auto_now_add=True)

    objects = XAPIStatementQuerySet.as_manager()

    class Meta:
        verbose_name = _("xAPI statement")
        verbose_name_plural = _("xAPI statements")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "content", "created_at"])]

    def __str__(self) -> str:
        return f"{self.verb} {self.content_id} by {self.user_id}"
