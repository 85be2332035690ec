"""System checks of the deployment's own settings (``manage.py check``)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.compatibility)
def s3_bindings(app_configs, **kwargs):
    """S3 configured (AWS_STORAGE_BUCKET_NAME) but boto3 missing fails only on
    the first file access, in front of a user: say so at check time."""
    backend = settings.STORAGES.get("default", {}).get("BACKEND", "")
    if not backend.startswith("storages.backends.s3"):
        return []
    try:
        import boto3  # noqa: F401
    except ImportError:
        return [
            Warning(
                "AWS_STORAGE_BUCKET_NAME is set but boto3, the S3 bindings of django-storages, is not installed: "
                "every upload and download would fail.",
                hint="Install the pinned requirements (make setup), which include boto3.",
                id="leanedu.W001",
            )
        ]
    return []
