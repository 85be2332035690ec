"""/opendata/: the register, each set's passport, structure and data files."""

from __future__ import annotations

import csv
import io

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.http import http_date, quote_etag
from django.views.decorators.http import require_safe

from api.conditional import conditional
from leanedu.spreadsheets import csv_row
from opendata.datasets import DATASETS, STANDARD_VERSION, csv_lines, passport

CSV_TYPE = "text/csv; charset=utf-8"


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _dataset(identifier: str):
    for dataset in DATASETS:
        if dataset.identifier == identifier:
            return dataset
    raise Http404


def _csv(request: HttpRequest, rows: list[list], filename: str) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(csv_row(row) for row in rows)
    response = HttpResponse(out.getvalue().encode(), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return conditional(request, response)


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    base = _base(request)
    sets = []
    for dataset in DATASETS:
        version, count, last = dataset.version()
        sets.append({"dataset": dataset, "version": version, "count": count, "data_name": dataset.data_name(version)})
    response = render(request, "opendata/index.html", {"sets": sets, "base": base})
    return conditional(request, response)


@require_safe
def register(request: HttpRequest) -> HttpResponse:
    """list.csv: the register of the sets (property, title, value, format)."""
    base = _base(request)
    rows = [["property", "title", "value", "format"]]
    rows.append(["standardversion", "Версия методических рекомендаций", STANDARD_VERSION, ""])
    for dataset in DATASETS:
        rows.append([dataset.identifier, dataset.title, f"{base}/opendata/{dataset.identifier}/meta.csv", "csv"])
    return _csv(request, rows, "list.csv")


@require_safe
def meta(request: HttpRequest, identifier: str) -> HttpResponse:
    dataset = _dataset(identifier)
    rows = [["property", "value"], *[list(row) for row in passport(dataset, _base(request))]]
    return _csv(request, rows, "meta.csv")


@require_safe
def structure(request: HttpRequest, identifier: str, version: str) -> HttpResponse:
    dataset = _dataset(identifier)
    if version != f"{dataset.structure_version:%Y%m%d}":
        raise Http404
    rows = [["field name", "english description", "russian description", "format"]]
    rows += [[c.name, c.english, c.russian, c.format] for c in dataset.columns]
    return _csv(request, rows, dataset.structure_name())


@require_safe
def data(request: HttpRequest, identifier: str, version: str, structure_version: str) -> HttpResponse:
    """The current data file, streamed. Only the current version is served:
    the sets are generated from the live data (an older name is a 404)."""
    dataset = _dataset(identifier)
    current, count, last = dataset.version()
    if version != f"{current:%Y%m%d}" or structure_version != f"{dataset.structure_version:%Y%m%d}":
        raise Http404
    etag = quote_etag(f"{dataset.code}-{last.isoformat()}-{count if count is not None else ''}")
    from django.utils.cache import get_conditional_response

    not_modified = get_conditional_response(request, etag=etag, last_modified=int(last.timestamp()))
    if not_modified is not None:
        return not_modified
    header = [column.name for column in dataset.columns]
    chunks = (chunk.encode() for chunk in csv_lines(header, dataset.rows(_base(request))))
    response = StreamingHttpResponse(chunks, content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{dataset.data_name(current)}"'
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last.timestamp())
    return response
