"""Public pages of the registry: the list with search, a document, its files."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Max, Min, Prefetch
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from documents.conf import PAGE_SIZE
from documents.filters import DocumentFilter
from documents.models import Document, DocumentFileVersion, DocumentRelation
from leanedu import uploads
from leanedu.fragments import render_with_fragment


def latest_documents_block(request: HttpRequest) -> dict:
    """The home page's «Latest documents» (leanedu.home, registered in DocumentsConfig)."""
    latest = Document.objects.visible_to(request.user).select_related("authority").order_by("-date_signed", "-pk")
    return {"latest_documents": latest[:5]}


@require_GET
def document_list(request: HttpRequest) -> HttpResponse:
    def build() -> dict:
        visible = Document.objects.visible_to(request.user)
        # First and last year from the date index: cheaper than DISTINCT over the table.
        span = visible.aggregate(first=Min("date_signed"), last=Max("date_signed"))
        years = list(range(span["last"].year, span["first"].year - 1, -1)) if span["first"] else []
        filterset = DocumentFilter(
            request.GET or None,
            queryset=visible.select_related("kind", "authority").prefetch_related("tags"),
            years=years,
            request=request,
        )
        documents = filterset.qs if filterset.is_bound else filterset.queryset
        ordering = filterset.ordering() if filterset.is_bound else ("-date_signed", "-pk")
        if ordering:
            documents = documents.order_by(*ordering)
        return {
            "filter": filterset,
            "page": Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page")),
            "search_text": filterset.search_text if filterset.is_bound else "",
        }

    return render_with_fragment(
        request,
        "documents/document_list.html",
        "documents/_document_list.html",
        build,
        depends_on=["documents", "organizations"],
    )


@require_GET
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visible = Document.objects.visible_to(request.user)
    document = get_object_or_404(
        visible.select_related("kind", "authority").prefetch_related(
            "tags",
            Prefetch("files__versions", queryset=DocumentFileVersion.objects.order_by("-is_current", "-uploaded_at")),
            Prefetch(
                "outgoing_relations",
                queryset=DocumentRelation.objects.filter(target__in=visible).select_related("target__kind"),
            ),
            Prefetch(
                "incoming_relations",
                queryset=DocumentRelation.objects.filter(source__in=visible).select_related("source__kind"),
            ),
        ),
        pk=pk,
    )
    return render(request, "documents/document_detail.html", {"document": document})


@require_GET
def file_download(request: HttpRequest, pk: int, version_pk: int) -> FileResponse:
    """A file of a document the reader may see; internal ones stay internal."""
    version = get_object_or_404(
        DocumentFileVersion.objects.filter(
            document_file__document__in=Document.objects.visible_to(request.user),
            document_file__document_id=pk,
        ),
        pk=version_pk,
    )
    # A recognised scan is served with its text layer, so a reader can find
    # and copy its words; the original stays stored beside it.
    if version.searchable_file:
        stored, content_type = version.searchable_file, uploads.PDF.mime
    else:
        stored, content_type = version.file, uploads.BY_CODE[version.file_type].mime
    response = FileResponse(
        stored.open("rb"), as_attachment=True, filename=version.download_name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
