from django.conf import settings
from django.utils.translation import ngettext

from leanedu.accessibility import COOKIE_NAME, A11ySettings
from leanedu.roles import Role
from leanedu.scoping import user_scope


def reader_links(user) -> dict[str, bool]:
    """Which of the signed-in sections the reader may use: the menu shows only
    those (a coordinator clicking «Отчёты» used to get a 403)."""
    if user is None or not user.is_authenticated:
        return {"cabinet": False, "reports": False, "admin": False}
    scope = user_scope(user)
    return {
        "cabinet": bool(scope.coordinator_org_ids),
        "reports": scope.is_office or scope.has_role(Role.OFFICIAL),
        "admin": user.is_active and user.is_staff,
    }


def landing_url(user) -> str:
    """Where a role works: office staff in the back office, a coordinator in the
    cabinet, an official in the reports; anyone else on the home page."""
    from django.urls import reverse

    links = reader_links(user)
    if links["admin"] and user_scope(user).is_office:
        return reverse("admin:index")
    if links["cabinet"]:
        return reverse("projects:cabinet")
    if links["reports"]:
        return reverse("reports:index")
    return reverse("home")


def period_in_words(days: int) -> str:
    """A configured period as a person says it: «3 года» for 1095 days, else in days."""
    if days >= 365 and days % 365 == 0:
        years = days // 365
        return ngettext("%(count)d year", "%(count)d years", years) % {"count": years}
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}


def site(request):
    return {
        "reader": reader_links(getattr(request, "user", None)),
        "SITE_NAME": settings.SITE_NAME,
        "a11y": A11ySettings.from_cookie(request.COOKIES.get(COOKIE_NAME)),
        "OFFICE_EMAIL": settings.OFFICE_EMAIL,
        # The body that runs the portal (settings, demo values for Troitsk).
        "BODY": {
            "name": settings.BODY_NAME,
            "short_name": settings.BODY_SHORT_NAME,
            "logo_text": settings.BODY_LOGO_TEXT,
            "territory": settings.BODY_TERRITORY,
            "address": settings.BODY_ADDRESS,
            "phone": settings.BODY_PHONE,
            "dpo_name": settings.DPO_NAME,
            "dpo_email": settings.DPO_EMAIL or settings.OFFICE_EMAIL,
        },
        "PERSONAL_DATA_RETENTION": period_in_words(settings.PROPOSALS_ANONYMIZE_AFTER_DAYS),
    }
