"""Private storage of attachments: the storage alias ``STORAGES["private"]``.

By default a directory outside MEDIA_ROOT with no base URL, so a file can only
reach a browser through the permission-checked view; with S3-compatible storage
configured (docs/deploy.md) a private prefix of the bucket, read by the same
view, so that several app servers share the files."""

from __future__ import annotations

import os

from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.utils.deconstruct import deconstructible
from django.utils.functional import LazyObject, empty

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


class PrivateFiles(LazyObject):
    """``STORAGES["private"]``, looked up on first use (and again after the
    setting changes), like Django's own ``default_storage``."""

    def _setup(self):
        self._wrapped = storages["private"]


private_files = PrivateFiles()


def _reset(*, setting, **kwargs) -> None:
    if setting == "STORAGES":
        private_files._wrapped = empty


setting_changed.connect(_reset)


def private_storage():
    """The attachments' storage (a callable, so migrations name this function
    and not the configuration)."""
    return private_files
