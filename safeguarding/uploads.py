"""Stop reading an attachment as soon as it is over the size limit.

Django would otherwise write the whole upload to a temporary file before any check could
refuse it, so a huge upload would fill the disk first. `AttachmentLimitHandler` counts the
bytes as they arrive and stops the upload at the limit; the view then says the file is too
big, and nothing is kept.
"""

from __future__ import annotations

from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from . import conf

# Room for the form's other fields and the multipart framing around the file.
FORM_OVERHEAD = 64 * 1024


class AttachmentLimitHandler(FileUploadHandler):
    """Refuses an upload over STREAMWISE_SAFEGUARDING_ATTACHMENT_MAX_BYTES while it streams."""

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = conf.attachment_max_bytes()
        self.received = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length and content_length > self.limit + FORM_OVERHEAD:
            self.request.attachment_too_big = True

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        if getattr(self.request, "attachment_too_big", False):
            raise StopUpload(connection_reset=False)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.attachment_too_big = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None
