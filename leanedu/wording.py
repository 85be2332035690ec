"""How a model's name is declined, for the phrases that are built around it.

Django's admin pastes `verbose_name` (a nominative) into «Выберите %s для
изменения», «Добавить %s», «Удалить выбранные %s», and counts with two forms,
which in Russian reads «Выберите организация», «14 организации». Each model
declares a `Noun` instead (`wording = Noun(...)` on the model class, or
`register()` here for the models of other packages): the forms are English
source strings with a gettext context, so the Russian catalogue holds the cases
and the three plural forms, and an English interface still reads right.

`phrase()` is the one place that turns a model and a phrase key into text;
the admin (leanedu/admin_wording.py) and the admin templates ({% phrase %})
use it."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.text import capfirst
from django.utils.translation import gettext, npgettext_lazy, pgettext, pgettext_lazy

GENDERS = ("m", "f", "n")


@dataclass(frozen=True)
class Noun:
    """The forms of a model's name that Russian needs.

    accusative: «Выберите организацию», «Добавить организацию»;
    genitive: «Удаление организации …»;
    selected: the accusative plural after «выбранные», which depends on the
      noun (inanimate «выбранные организации», animate «выбранных пользователей»);
    count: `npgettext_lazy(..., "count")`, a count with its noun in the three
      Russian plural forms («1 организация», «2 организации», «5 организаций»);
    gender: the grammatical gender of the Russian name (m, f or n), for
      «добавлен / добавлена / добавлено».
    """

    accusative: str
    genitive: str
    selected: str
    count: str
    gender: str

    def __post_init__(self):
        if self.gender not in GENDERS:
            raise ValueError(f"gender must be one of {GENDERS}")

    def counted(self, number: int) -> str:
        return self.count % {"count": number}


_REGISTRY: dict[str, Noun] = {}


def register(label: str, noun: Noun) -> None:
    """The forms for a model of another package ("auth.user"), which cannot carry `wording`."""
    _REGISTRY[label.lower()] = noun


def noun_for(model) -> Noun | None:
    """The model's own declaration (not inherited: a proxy such as «проект на
    рассмотрении» names itself), else the registry."""
    model = getattr(model, "_meta", None) and model._meta.model or model
    declared = vars(model).get("wording")
    if isinstance(declared, Noun):
        return declared
    return _REGISTRY.get(model._meta.label_lower)


def quoted(value) -> str:
    """«value», with the value's own «…» turned into „…“ so that quotes never nest
    as «…«…»…»."""
    text = str(value).replace("«", "„").replace("»", "“")
    return f"«{text}»"


# Phrases whose verb agrees with the noun's gender. Source strings are the same
# for the three contexts; the Russian catalogue gives each its ending.
_ADDED = {
    "m": pgettext_lazy("masculine", "The %(name)s %(obj)s was added."),
    "f": pgettext_lazy("feminine", "The %(name)s %(obj)s was added."),
    "n": pgettext_lazy("neuter", "The %(name)s %(obj)s was added."),
}
_CHANGED = {
    "m": pgettext_lazy("masculine", "The %(name)s %(obj)s was changed."),
    "f": pgettext_lazy("feminine", "The %(name)s %(obj)s was changed."),
    "n": pgettext_lazy("neuter", "The %(name)s %(obj)s was changed."),
}
_DELETED = {
    "m": pgettext_lazy("masculine", "The %(name)s %(obj)s was deleted."),
    "f": pgettext_lazy("feminine", "The %(name)s %(obj)s was deleted."),
    "n": pgettext_lazy("neuter", "The %(name)s %(obj)s was deleted."),
}


def phrase(model, key: str, obj=None, count: int | None = None) -> str:
    """The admin phrase `key` about `model` (and the object or the count), in the
    active language. Falls back to the nominative for a model without a Noun, as
    Django does."""
    noun = noun_for(model)
    opts = model._meta
    accusative = str(noun.accusative) if noun else str(opts.verbose_name)
    genitive = str(noun.genitive) if noun else str(opts.verbose_name)
    selected = str(noun.selected) if noun else str(opts.verbose_name_plural)
    gender = noun.gender if noun else "m"
    counted = noun.counted(count) if (noun and count is not None) else f"{count} {opts.verbose_name_plural}"
    name = str(opts.verbose_name)
    shown = quoted(obj) if obj is not None else ""
    if key == "select_change":
        return pgettext("admin", "Select %(name)s to change") % {"name": accusative}
    if key == "select_view":
        return pgettext("admin", "Select %(name)s to view") % {"name": accusative}
    if key == "select":
        return pgettext("admin", "Select %(name)s") % {"name": accusative}
    if key == "add":
        return pgettext("admin", "Add %(name)s") % {"name": accusative}
    if key == "change":
        return pgettext("admin", "Change %(name)s") % {"name": accusative}
    if key == "view":
        return pgettext("admin", "View %(name)s") % {"name": accusative}
    if key == "cannot_delete":
        return pgettext("admin", "Cannot delete %(name)s") % {"name": accusative}
    if key == "delete_confirm":
        return pgettext(
            "admin",
            "Are you sure you want to delete the %(name)s %(obj)s? All these related items will be deleted too:",
        ) % {"name": accusative, "obj": shown}
    if key == "delete_perms_lacking":
        return pgettext(
            "admin",
            "Deleting the %(name)s %(obj)s would delete related items that your account may not delete:",
        ) % {"name": genitive, "obj": shown}
    if key == "delete_protected":
        return pgettext("admin", "To delete the %(name)s %(obj)s, first delete these protected related items:") % {
            "name": accusative,
            "obj": shown,
        }
    if key == "delete_selected":
        return pgettext("admin", "Delete the %(selected)s") % {"selected": selected}
    if key == "delete_selected_confirm":
        return pgettext(
            "admin",
            "Are you sure you want to delete the %(selected)s? All these items and their related items will be deleted:",
        ) % {"selected": selected}
    if key == "delete_selected_perms_lacking":
        return pgettext(
            "admin", "Deleting the %(selected)s would delete related items that your account may not delete:"
        ) % {"selected": selected}
    if key == "delete_selected_protected":
        return pgettext("admin", "To delete the %(selected)s, first delete these protected related items:") % {
            "selected": selected
        }
    if key == "counted":
        return counted
    if key == "select_all":
        return pgettext("admin", "Select all: %(counted)s") % {"counted": counted}
    if key == "deleted_count":
        return pgettext("admin", "Deleted: %(counted)s.") % {"counted": counted}
    if key == "changed_count":
        return pgettext("admin", "Changed: %(counted)s.") % {"counted": counted}
    if key == "added":
        return str(_ADDED[gender]) % {"name": capfirst(name), "obj": shown}
    if key == "changed":
        return str(_CHANGED[gender]) % {"name": capfirst(name), "obj": shown}
    if key == "deleted":
        return str(_DELETED[gender]) % {"name": capfirst(name), "obj": shown}
    if key == "edit_again":
        return gettext("You may edit it again below.")
    if key == "add_another":
        return pgettext("admin", "You may add another %(name)s below.") % {"name": accusative}
    raise KeyError(key)


# Models of other packages registered in the admin.
register(
    "auth.user",
    Noun(
        accusative=pgettext_lazy("accusative", "user"),
        genitive=pgettext_lazy("genitive", "user"),
        selected=pgettext_lazy("accusative plural", "selected users"),
        count=npgettext_lazy("count", "%(count)s user", "%(count)s users", "count"),
        gender="m",
    ),
)
register(
    "auth.group",
    Noun(
        accusative=pgettext_lazy("accusative", "group"),
        genitive=pgettext_lazy("genitive", "group"),
        selected=pgettext_lazy("accusative plural", "selected groups"),
        count=npgettext_lazy("count", "%(count)s group", "%(count)s groups", "count"),
        gender="f",
    ),
)
register(
    "otp_totp.totpdevice",
    Noun(
        accusative=pgettext_lazy("accusative", "TOTP device"),
        genitive=pgettext_lazy("genitive", "TOTP device"),
        selected=pgettext_lazy("accusative plural", "selected TOTP devices"),
        count=npgettext_lazy("count", "%(count)s TOTP device", "%(count)s TOTP devices", "count"),
        gender="n",
    ),
)
register(
    "axes.accessattempt",
    Noun(
        accusative=pgettext_lazy("accusative", "access attempt record"),
        genitive=pgettext_lazy("genitive", "access attempt record"),
        selected=pgettext_lazy("accusative plural", "selected access attempt records"),
        count=npgettext_lazy("count", "%(count)s access attempt record", "%(count)s access attempt records", "count"),
        gender="f",
    ),
)
register(
    "axes.accesslog",
    Noun(
        accusative=pgettext_lazy("accusative", "access log record"),
        genitive=pgettext_lazy("genitive", "access log record"),
        selected=pgettext_lazy("accusative plural", "selected access log records"),
        count=npgettext_lazy("count", "%(count)s access log record", "%(count)s access log records", "count"),
        gender="f",
    ),
)
register(
    "axes.accessfailurelog",
    Noun(
        accusative=pgettext_lazy("accusative", "failed access record"),
        genitive=pgettext_lazy("genitive", "failed access record"),
        selected=pgettext_lazy("accusative plural", "selected failed access records"),
        count=npgettext_lazy("count", "%(count)s failed access record", "%(count)s failed access records", "count"),
        gender="f",
    ),
)
register(
    "django_tasks_database.dbtaskresult",
    Noun(
        accusative=pgettext_lazy("accusative", "task result"),
        genitive=pgettext_lazy("genitive", "task result"),
        selected=pgettext_lazy("accusative plural", "selected task results"),
        count=npgettext_lazy("count", "%(count)s task result", "%(count)s task results", "count"),
        gender="m",
    ),
)


def full_name(user) -> str:
    """A person as people name them: «Ольга Петрова», the login only when no name is known."""
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()
