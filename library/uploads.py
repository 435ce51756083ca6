"""A cap on the size of one upload request (settings.PIZHU_MAX_UPLOAD_BYTES).

Django limits form fields (DATA_UPLOAD_MAX_MEMORY_SIZE) and the number of files, but not
the bytes of uploaded files. This handler stops reading files from a request once it is
over the cap, and marks the request so the view can say why (the import page answers 413).
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload


class LimitedUploadHandler(FileUploadHandler):
    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.received = 0
        self.over = content_length > settings.PIZHU_MAX_UPLOAD_BYTES

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        if self.over:
            self.stop()

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.PIZHU_MAX_UPLOAD_BYTES:
            self.stop()
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handlers keep the file

    def stop(self):
        if self.request is not None:
            self.request.upload_too_large = True
        # Discard the rest of the body rather than reset the connection, so the browser
        # shows the page that explains the limit.
        raise StopUpload(connection_reset=False)


def upload_too_large(request) -> bool:
    return getattr(request, "upload_too_large", False)
