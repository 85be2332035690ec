"""The search vector is kept by a trigger, so every write path (services,
admin, imports, bulk inserts) keeps it current; ё is read as е. The kinds
reference list starts with the kinds of DESIGN.md; staff may add more."""

from django.db import migrations

TRIGGER_SQL = r"""
CREATE OR REPLACE FUNCTION documents_document_search_vector() RETURNS trigger AS $$
BEGIN
  NEW.search_vector :=
    setweight(to_tsvector('russian', replace(lower(coalesce(NEW.title, '')), 'ё', 'е')), 'A') ||
    setweight(to_tsvector('russian', replace(lower(
        coalesce((SELECT k.name FROM documents_documentkind k WHERE k.id = NEW.kind_id), '') || ' ' ||
        coalesce(NEW.summary, '')), 'ё', 'е')), 'B') ||
    setweight(to_tsvector('russian', replace(lower(coalesce(NEW.file_text, '')), 'ё', 'е')), 'C');
  RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER documents_document_search_vector_trg
  BEFORE INSERT OR UPDATE OF title, summary, kind_id, file_text ON documents_document
  FOR EACH ROW EXECUTE FUNCTION documents_document_search_vector();

UPDATE documents_document SET title = title;
"""

REVERSE_SQL = r"""
DROP TRIGGER IF EXISTS documents_document_search_vector_trg ON documents_document;
DROP FUNCTION IF EXISTS documents_document_search_vector();
"""

KINDS = [
    ("prikaz", "Приказ"),
    ("rasporyazhenie", "Распоряжение"),
    ("postanovlenie", "Постановление"),
    ("polozhenie", "Положение"),
    ("plan", "План (дорожная карта)"),
    ("metodicheskie-rekomendacii", "Методические рекомендации"),
    ("pismo", "Письмо"),
    ("otchet", "Отчёт"),
]


def add_kinds(apps, schema_editor):
    DocumentKind = apps.get_model("documents", "DocumentKind")
    for position, (slug, name) in enumerate(KINDS, start=1):
        DocumentKind.objects.get_or_create(slug=slug, defaults={"name": name, "position": position * 10})


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [
        migrations.RunSQL(TRIGGER_SQL, REVERSE_SQL),
        migrations.RunPython(add_kinds, migrations.RunPython.noop),
    ]
