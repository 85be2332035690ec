from django.conf import settings

from leanedu.accessibility import COOKIE_NAME, A11ySettings


def site(request):
    return {
        "SITE_NAME": settings.SITE_NAME,
        "a11y": A11ySettings.from_cookie(request.COOKIES.get(COOKIE_NAME)),
        "OFFICE_EMAIL": settings.OFFICE_EMAIL,
    }
