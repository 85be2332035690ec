"""Queue the registry's scans for recognition (OCR).

After Tesseract is installed on a server that already holds documents, or
after an upgrade that brought recognition, this finds the current editions
whose text is still unread and hands them to the task worker."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db.models import Q

from documents import ocr, services
from documents.models import DocumentFileVersion, ExtractionStatus, FileType, RecognitionStatus


class Command(BaseCommand):
    help = "Queue scanned file editions of the registry for text recognition (OCR)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="also editions already recognised or found not to need it"
        )

    def handle(self, *args, **options):
        reason = ocr.unavailable_reason()
        if reason:
            self.stderr.write(f"Recognition is not available: {reason}")
            return
        versions = DocumentFileVersion.objects.filter(is_current=True)
        if not options["all"]:
            unread_pdf = Q(
                file_type=FileType.PDF, extraction_status__in=[ExtractionStatus.EMPTY, ExtractionStatus.FAILED]
            )
            image = Q(file_type__in=[FileType.JPEG, FileType.PNG, FileType.TIFF])
            versions = versions.filter(unread_pdf | image).exclude(recognition_status=RecognitionStatus.DONE)
        count = 0
        for version in versions.iterator():
            services.file_version_recognise_again(actor=None, version=version)
            count += 1
        self.stdout.write(f"{count} file editions queued for recognition")
