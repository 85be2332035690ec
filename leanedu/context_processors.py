from django.conf import settings
from django.utils.translation import ngettext

from leanedu.accessibility import COOKIE_NAME, A11ySettings


def period_in_words(days: int) -> str:
    """A configured period as a person says it: «3 года» for 1095 days, else in days."""
    if days >= 365 and days % 365 == 0:
        years = days // 365
        return ngettext("%(count)d year", "%(count)d years", years) % {"count": years}
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}


def site(request):
    return {
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
