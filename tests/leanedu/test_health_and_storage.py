"""/healthz for any Host, naming the database, the cache and the storage;
the S3 bindings are installed and checked."""

from __future__ import annotations

import builtins
import json
import os

import pytest
from django.core.checks import run_checks
from django.test import Client

pytestmark = pytest.mark.django_db


def test_healthz_answers_for_any_host(settings):
    settings.ALLOWED_HOSTS = ["lean.troitsk.example"]
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/healthz", HTTP_HOST="10.0.0.17:8000")
    assert response.status_code == 200
    assert json.loads(response.content)["status"] == "ok"
    # other pages still refuse a host that is not the site's
    assert Client().get("/", HTTP_HOST="10.0.0.17:8000").status_code == 400


def test_healthz_is_503_when_the_cache_is_down(settings):
    # A Redis on a port where nothing listens: a real client, a real refusal.
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient", "SOCKET_CONNECT_TIMEOUT": 1},
        }
    }
    response = Client().get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["cache"] == "unavailable" and body["database"] == "ok"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders")
def test_healthz_is_503_when_the_upload_folder_is_not_writable(settings, tmp_path):
    media = tmp_path / "media"
    media.mkdir()
    media.chmod(0o500)
    settings.MEDIA_ROOT = media
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    try:
        response = Client().get("/healthz")
    finally:
        media.chmod(0o700)
    assert response.status_code == 503
    assert json.loads(response.content)["storage"] == "unavailable"


def test_healthz_is_503_when_the_private_folder_is_a_file(settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.PROPOSALS_FILES_ROOT = str(blocker)
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["storage"] == "unavailable"


S3 = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {"bucket_name": "leanedu"}}


def test_s3_bindings_are_installed(settings):
    settings.STORAGES = {**settings.STORAGES, "default": S3}
    from storages.backends.s3 import S3Storage

    assert S3Storage(bucket_name="leanedu").bucket_name == "leanedu"
    assert not [m for m in run_checks() if m.id == "leanedu.W001"]


def test_check_warns_when_s3_is_set_but_boto3_is_missing(settings, monkeypatch):
    settings.STORAGES = {**settings.STORAGES, "default": S3}
    real_import = builtins.__import__

    def without_boto3(name, *args, **kwargs):
        if name == "boto3" or name.startswith("boto3."):
            raise ImportError("No module named 'boto3'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_boto3)
    messages = [m for m in run_checks() if m.id == "leanedu.W001"]
    assert messages and "boto3" in messages[0].msg
