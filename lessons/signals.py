"""Signals the lessons app sends. Other apps listen; lessons never imports them.

`lesson_completed` is sent once, after the transaction that completed the lesson commits, with
``pupil``, ``lesson`` and ``progress``. (Quiz and H5P results reach lessons the other way: a
receiver in `lessons.receivers`, connected in `LessonsConfig.ready()`, calls
`lessons.services.progress_record_activity` or `lessons.services.lesson_completion_update`.)
"""

from django.dispatch import Signal

lesson_completed = Signal()
