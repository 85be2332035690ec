"""Private storage of attachments: a directory outside MEDIA_ROOT with no
base URL, so a file can only reach a browser through the permission-checked
view."""

from __future__ import annotations

import os

from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible

from proposals import conf


@deconstructible(path="proposals.storage.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    def __init__(self) -> None:
        super().__init__(base_url=None)

    # Read at call time so tests (and a changed environment) take effect.
    @property
    def base_location(self):
        return str(conf.files_root())

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("proposal attachments have no public URL")


def private_storage() -> PrivateStorage:
    return PrivateStorage()
