"""Reads of the registry: who sees which documents, and the search."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db import connection, models
from django.db.models.functions import Concat, Lower

from leanedu.rules import EVERYTHING, NOTHING, VIEW, ChildRuledQuerySet, RuledQuerySet

# Marks around the matched words in a headline; escaped text is put between them.
HIGHLIGHT_START = "\u27e6"
HIGHLIGHT_STOP = "\u27e7"

DATE_RE = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$")
# A registry number: digits with optional letters, dashes and slashes ("137-р", "01/2488").
NUMBER_RE = re.compile(r"^[\w/-]*\d[\w/-]*$")


def normalize(text: str) -> str:
    """Lower case, ё read as е — the same on both sides of the search."""
    return text.lower().replace("ё", "е")


@dataclass
class ParsedQuery:
    """A search box input split into words, registry numbers and dates."""

    words: str = ""
    numbers: list[str] = field(default_factory=list)
    dates: list[dt.date] = field(default_factory=list)

    @classmethod
    def parse(cls, raw: str) -> ParsedQuery:
        parsed = cls()
        words = []
        for token in normalize(raw).replace("№", " ").replace("«", " ").replace("»", " ").split():
            token = token.strip(".,;:!?\"'()")
            if not token:
                continue
            match = DATE_RE.match(token)
            if match:
                day, month, year = (int(g) for g in match.groups())
                try:
                    parsed.dates.append(dt.date(year, month, day))
                    continue
                except ValueError:
                    pass
            if NUMBER_RE.match(token):
                parsed.numbers.append(token)
            else:
                words.append(token)
        parsed.words = " ".join(words)
        return parsed


def prefix_tsquery(words: str) -> str | None:
    """A tsquery (raw syntax) for ``words``: every word's Russian stem, as a
    prefix one letter shorter, all required.

    The Snowball stemmer leaves fleeting vowels apart («площадка» → площадк,
    «площадок» → площадок); a shortened prefix («площад:*») matches both while
    staying specific. One small query asks PostgreSQL for the stems, so the
    stemming is exactly the one the stored vectors use."""
    if not words:
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT tsvector_to_array(to_tsvector('russian', %s))", [words])
        (stems,) = cursor.fetchone()
    terms = []
    for stem in stems or []:
        prefix = stem[:-1] if len(stem) >= 6 and not stem.isdigit() else stem
        terms.append("'" + prefix.replace("'", "''").replace("\\", "") + "':*")
    return " & ".join(terms) or None


class DocumentQuerySet(RuledQuerySet):
    def rule(self, scope, action, user):
        """Seen: public documents by everyone; internal ones by office staff,
        and by officials and coordinators when issued within their scope or by
        the authorities above it (their municipality's department, the
        region). Written: office staff."""
        from leanedu.models import Organization

        if scope.is_office:
            return EVERYTHING
        if action != VIEW:
            return NOTHING
        public = models.Q(is_public=True)
        if not scope.is_authenticated or not scope.roles:
            return public
        own_ids = sorted(scope.coordinator_org_ids | scope.official_org_ids)
        above = Organization.objects.filter(pk__in=own_ids)
        authorities_above = models.Q(authority__in=above.values("municipality_id")) | models.Q(
            authority__in=above.values("parent_id")
        )
        authorities_above |= models.Q(authority__in=above.values("municipality__parent_id"))
        return public | scope.organization_q("authority") | authorities_above

    def search(self, raw: str) -> DocumentQuerySet:
        """Documents matching the search box, ranked, with ``rank`` and
        ``headline`` (a fragment with the matched words between
        HIGHLIGHT_START and HIGHLIGHT_STOP) annotated."""
        from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank

        parsed = ParsedQuery.parse(raw)
        # lower(number) is indexed (document_number_lower); iexact would use upper().
        qs = self.alias(number_lower=Lower("number"))
        for day in parsed.dates:
            qs = qs.filter(date_signed=day)
        for number in parsed.numbers:
            # The document with that number, and those whose text cites it
            # («во исполнение распоряжения № 137-р»); a year also matches the date.
            condition = models.Q(number_lower=number) | models.Q(search_vector=SearchQuery(number, config="simple"))
            if number.isdigit() and len(number) == 4:
                condition |= models.Q(date_signed__year=int(number))
            qs = qs.filter(condition)
        # The document whose own number was typed comes first.
        number_match = (
            models.Case(models.When(number_lower__in=parsed.numbers, then=1), default=0)
            if parsed.numbers
            else models.Value(0)
        )
        qs = qs.annotate(number_match=number_match)
        tsquery = prefix_tsquery(parsed.words)
        if tsquery is None:
            none = models.Value(1.0, output_field=models.FloatField())
            qs = qs.annotate(rank=none, headline=models.Value("")).order_by("-number_match", "-date_signed", "-pk")
            return qs if not parsed.words else qs.none()
        query = SearchQuery(tsquery, config="simple", search_type="raw")
        return (
            qs.filter(search_vector=query)
            .annotate(
                rank=SearchRank(models.F("search_vector"), query),
                headline=SearchHeadline(
                    Concat(
                        models.F("summary"), models.Value(" "), models.F("file_text"), output_field=models.TextField()
                    ),
                    query,
                    config="russian",
                    start_sel=HIGHLIGHT_START,
                    stop_sel=HIGHLIGHT_STOP,
                    max_words=30,
                    min_words=12,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                ),
            )
            .order_by("-number_match", "-rank", "-date_signed", "-pk")
        )


class DocumentPartQuerySet(ChildRuledQuerySet):
    """A document's files: seen and written with their document."""

    parent_field = "document"


class FileVersionQuerySet(ChildRuledQuerySet):
    parent_field = "document_file"


class RelationQuerySet(RuledQuerySet):
    """A relation is seen when both documents are, written by office staff."""

    def rule(self, scope, action, user):
        from documents.models import Document

        if action != VIEW:
            return EVERYTHING if scope.is_office else NOTHING
        if scope.is_office:
            return EVERYTHING
        visible = Document.objects.visible_to(user).values("pk")
        return models.Q(source__in=visible, target__in=visible)
