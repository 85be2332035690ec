"""The one settings module. Everything that differs between environments comes
from environment variables (or a ``.env`` file beside manage.py); the table of
variables is in the README."""

from __future__ import annotations

import ipaddress
import secrets
from pathlib import Path
from urllib.parse import unquote

import environ
import xstatic.pkg.bootstrap
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def _fail(message: str) -> None:
    """Stop with one clear line instead of a traceback (bad configuration)."""
    raise SystemExit(f"leanedu: {message}")


DEBUG = env.bool("DJANGO_DEBUG", default=True)

# --- secret key: production refuses to start without a real one
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        _fail("DJANGO_SECRET_KEY is not set; production (DJANGO_DEBUG=0) needs a long random secret key")
    # Development: a random key kept in var/ so sessions survive restarts.
    key_file = VAR_DIR / "secret_key"
    if key_file.exists():
        SECRET_KEY = key_file.read_text().strip()
    else:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        SECRET_KEY = secrets.token_urlsafe(50)
        key_file.write_text(SECRET_KEY)
elif not DEBUG and (len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure")):
    _fail("DJANGO_SECRET_KEY is too weak for production: use at least 50 random characters")

# Old keys, newest first, after a rotation: sessions and the outbox's encrypted
# status links made under them stay readable (leanedu/mail.py).
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "leanedu.admin_apps.LeaneduAdminConfig",  # django.contrib.admin with optional 2FA
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "import_export",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    # the project: the shared kernel first, so its demo data is seeded first
    "leanedu",
    "documents",
    "projects",
    "indicators",
    "proposals",
    "api",
    "opendata",
]

MIDDLEWARE = [
    "leanedu.middleware.HealthCheckMiddleware",  # any Host, before redirects and sessions
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # CORS before CommonMiddleware; it answers only under CORS_URLS_REGEX.
    "corsheaders.middleware.CorsMiddleware",
    "leanedu.middleware.DatabaseUnavailableMiddleware",
    "leanedu.middleware.ControlCharactersMiddleware",
    "leanedu.middleware.AdminBadInputMiddleware",
    "leanedu.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "leanedu.two_factor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "leanedu.urls"
WSGI_APPLICATION = "leanedu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "leanedu.context_processors.site",
            ],
        },
    },
]

# --- database: DATABASE_URL, else the embedded server in var/ (started by the
# first connection a command opens, not here: leanedu/embedded_db/base.py)
EMBEDDED_DB_NAME = env.str("LEANEDU_EMBEDDED_DB", default="leanedu")
if env.str("DATABASE_URL", default=""):
    try:
        _db = env.db("DATABASE_URL")
    except Exception as exc:
        _fail(f"DATABASE_URL is malformed ({exc}); expected postgres://USER:PASSWORD@HOST:PORT/NAME")
    if "postgresql" not in _db.get("ENGINE", "") or not _db.get("NAME"):
        _fail(
            "DATABASE_URL must point to a PostgreSQL database "
            "(postgres://USER:PASSWORD@HOST:PORT/NAME); other databases are not supported"
        )
    # A Unix-socket folder is written percent-encoded in the URL's host
    # (postgres://leanedu@%2Fvar%2Frun%2Fpostgresql/leanedu), as libpq and
    # dj-database-url read it; django-environ leaves it encoded.
    _db["HOST"] = unquote(_db.get("HOST") or "")
else:
    _db = {"ENGINE": "leanedu.embedded_db", "NAME": EMBEDDED_DB_NAME, "USER": "", "HOST": "", "PORT": ""}
_db["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
_db["CONN_HEALTH_CHECKS"] = True
_db.setdefault("OPTIONS", {})["connect_timeout"] = env.int("DJANGO_DB_CONNECT_TIMEOUT", default=5)
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache and sessions: Redis when REDIS_URL is set, else local memory / database
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                # A Redis that is gone answers a clean 503 in seconds, not a hung worker.
                "SOCKET_CONNECT_TIMEOUT": 2,
                "SOCKET_TIMEOUT": 2,
            },
            # Several portals (or test runs) on one Redis keep apart by prefix.
            "KEY_PREFIX": env.str("REDIS_KEY_PREFIX", default=""),
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- authentication
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Lock an account+address pair out after repeated failures (django-axes).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The lockout is the site's 429 page (leanedu/errors.py), in Russian and in the site's layout.
AXES_LOCKOUT_CALLABLE = "leanedu.errors.locked_out"
AXES_VERBOSE = False
# The visitor's address behind the proxy (leanedu/client_ip.py), not the proxy's.
AXES_CLIENT_IP_CALLABLE = "leanedu.client_ip.client_ip"

# --- internationalisation: Russian UI, English source strings
LANGUAGE_CODE = env.str("DJANGO_LANGUAGE_CODE", default="ru")
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="Asia/Yekaterinburg")
USE_I18N = True
USE_TZ = True

# --- static and uploaded files
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Bootstrap 5 from the XStatic-Bootstrap package: no CDN, works offline.
    ("bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
]
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media")))
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- recognition of scanned documents (OCR) in the registry: docs/documents.md
DOCUMENTS_OCR_ENABLED = env.bool("DOCUMENTS_OCR_ENABLED", default=True)
DOCUMENTS_OCR_LANGUAGES = env.str("DOCUMENTS_OCR_LANGUAGES", default="rus+eng")
DOCUMENTS_OCR_MAX_PAGES = env.int("DOCUMENTS_OCR_MAX_PAGES", default=100)
DOCUMENTS_OCR_TIMEOUT_SECONDS = env.int("DOCUMENTS_OCR_TIMEOUT_SECONDS", default=900)
FILE_UPLOAD_PERMISSIONS = 0o640
# manage.py backup: where, and how long backups (with personal data) are kept.
BACKUP_ROOT = Path(env.str("BACKUP_ROOT", default=str(VAR_DIR / "backups")))
BACKUP_RETENTION_DAYS = env.int("BACKUP_RETENTION_DAYS", default=14)
# run_periodic nightly: how long delivered e-mails and finished task results are kept.
OUTBOX_KEEP_DAYS = env.int("OUTBOX_KEEP_DAYS", default=30)
TASK_RESULTS_KEEP_DAYS = env.int("TASK_RESULTS_KEEP_DAYS", default=14)

_storages_default = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
# Private files (proposal attachments): never a public URL, served only by the
# permission-checked view. A folder outside MEDIA_ROOT by default; the bucket's
# "private/" prefix when S3-compatible storage is configured.
_storages_private = {"BACKEND": "proposals.storage.PrivateStorage"}
if env.str("AWS_STORAGE_BUCKET_NAME", default=""):
    # Files on S3-compatible storage (several app servers); settings by env.
    _storages_default = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
            "default_acl": "private",
            "querystring_auth": True,
        },
    }
    _storages_private = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_storages_default["OPTIONS"], "location": "private/proposals", "file_overwrite": False},
    }
STORAGES = {
    "default": _storages_default,
    "private": _storages_private,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- forms
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- background tasks (django-tasks): a database queue drained by a worker
# Tasks (e-mail delivery, text extraction, OCR) run in a worker by default, off
# the request path (`make run` starts one beside the development server); the
# tests run them immediately, in process (conftest.py sets TASKS).
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}

# --- e-mail: a local backend unless an SMTP server is configured
# (Tests get Django's in-memory backend from its test environment set-up.)
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)  # STARTTLS, usually port 587
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)  # SMTPS, usually port 465
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="leanedu <noreply@localhost>")
OFFICE_EMAIL = env.str("OFFICE_EMAIL", default="office@localhost")
# Indicator reporting: days after a period's end to submit (when the period has no
# deadline of its own), and the days before the deadline when reminders go out.
INDICATORS_DEADLINE_DAYS = env.int("INDICATORS_DEADLINE_DAYS", default=10)
INDICATORS_REMINDER_DAYS = env.list("INDICATORS_REMINDER_DAYS", cast=int, default=[7, 3, 1])

# --- security headers
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "leanedu.errors.csrf_failure"  # the site's 403 page, in Russian
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=8 * 3600)

# Behind TLS (DJANGO_HTTPS=1): redirect, HSTS and secure cookies.
HTTPS = env.bool("DJANGO_HTTPS", default=False)
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=HTTPS)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# Preload lists are hard to leave: an opt-in once HTTPS has run well for a while.
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]  # preload not asked for, on purpose
# Behind nginx (DJANGO_BEHIND_PROXY=1): the scheme and the visitor's address come
# from the proxy's headers, and only from requests of the trusted proxies.
BEHIND_PROXY = env.bool("DJANGO_BEHIND_PROXY", default=False)
TRUSTED_PROXIES = env.list("DJANGO_TRUSTED_PROXIES", default=["127.0.0.1", "::1"])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy.strip(), strict=False)
    except ValueError:
        _fail(f"DJANGO_TRUSTED_PROXIES: {_proxy!r} is not an IP address or network (e.g. 10.0.0.0/24)")
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Content-Security-Policy (django-csp): no inline scripts or styles at all.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

ADMIN_URL = env.str("DJANGO_ADMIN_URL", default="admin/")
# Two-factor sign-in (TOTP) for the back office; enrol devices first
# (admin → TOTP devices), then switch on.
ADMIN_REQUIRE_2FA = env.bool("ADMIN_REQUIRE_2FA", default=False)
OTP_TOTP_ISSUER = "leanedu"

# --- logging: to stderr; personal data never goes into messages
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    # Status tokens masked; a refused request (4xx) is one line, only server errors carry a traceback.
    "filters": {
        "mask_tokens": {"()": "leanedu.logmask.MaskStatusTokens"},
        "one_line_refusals": {"()": "leanedu.errors.OneLineRefusals"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_tokens", "one_line_refusals"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# --- the public read API (/api/v1/) and open data (/opendata/)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.PersonalTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Cursor",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.AnonymousPerAddress", "api.throttling.PerToken"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiAutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Requests per hour: anonymous per address, personal tokens per user.
API_ANON_RATE = env.str("API_ANON_RATE", default="1000/hour")
API_TOKEN_RATE = env.str("API_TOKEN_RATE", default="10000/hour")
SPECTACULAR_SETTINGS = {
    "TITLE": "leanedu API",
    "DESCRIPTION": "Read-only public API: documents, pilot sites, projects, indicators, answers, open data sets.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "DocumentStatusEnum": "documents.models.DocumentStatus.choices",
        "ProjectStatusEnum": "projects.models.ProjectStatus.choices",
        "ValueStatusEnum": "indicators.models.ValueStatus.choices",
        "DirectionEnum": "indicators.models.Direction.choices",
        "OrganizationKindEnum": "leanedu.models.OrganizationKind.choices",
        "PeriodKindEnum": "indicators.models.PeriodKind.choices",
    },
}
CORS_URLS_REGEX = r"^/(api|opendata)/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = ["authorization", "if-none-match", "if-modified-since"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After"]
CORS_ALLOW_CREDENTIALS = False
# The office as the publisher of the open data sets (no person's name: 152-ФЗ).
OPENDATA_PUBLISHER = env.str("OPENDATA_PUBLISHER", default="Проектный офис")
OPENDATA_PUBLISHER_INN = env.str("OPENDATA_PUBLISHER_INN", default="")

# Every admin import and export goes through the formula-safe formats (CSV, XLSX).
from leanedu.spreadsheets import FORMATS  # noqa: E402

IMPORT_EXPORT_FORMATS = FORMATS

SITE_NAME = _("Lean technologies in education")
# The portal's address as its users reach it: every link in an e-mail starts with it.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# --- the body that runs the portal: shown in the header, footer, privacy policy
# and consent text (the defaults are the demo's, Troitsk). Another municipality
# or a region sets these and touches no template.
BODY_NAME = env.str("BODY_NAME", default="Управление образования администрации города Троицка Челябинской области")
BODY_SHORT_NAME = env.str("BODY_SHORT_NAME", default="Управление образования г. Троицка")
BODY_LOGO_TEXT = env.str("BODY_LOGO_TEXT", default="Проектный офис Управления образования г. Троицка")
# The territory in the genitive case, for «… в системе образования <territory>».
BODY_TERRITORY = env.str("BODY_TERRITORY", default="города Троицка")
BODY_ADDRESS = env.str("BODY_ADDRESS", default="457100, Челябинская обл., г. Троицк, ул. им. В. И. Ленина, д. 19")
BODY_PHONE = env.str("BODY_PHONE", default="")
# The person responsible for personal data processing (152-ФЗ, art. 22.1) and their address.
DPO_NAME = env.str("DPO_NAME", default="Ответственный за организацию обработки персональных данных")
DPO_EMAIL = env.str("DPO_EMAIL", default="")  # empty: OFFICE_EMAIL

# --- «Решаем вместе» (proposals/conf.py reads these)
PROPOSALS_RATE_LIMIT_PER_HOUR = env.int("PROPOSALS_RATE_LIMIT_PER_HOUR", default=5)
PROPOSALS_MIN_FILL_SECONDS = env.int("PROPOSALS_MIN_FILL_SECONDS", default=3)
PROPOSALS_MAX_ATTACHMENTS_BYTES = env.int("PROPOSALS_MAX_ATTACHMENTS_BYTES", default=10 * 1024 * 1024)
PROPOSALS_CONSENT_VERSION = env.str("PROPOSALS_CONSENT_VERSION", default="2026-01")
# Retention: personal data of closed proposals are removed after this many days.
PROPOSALS_ANONYMIZE_AFTER_DAYS = env.int("PROPOSALS_ANONYMIZE_AFTER_DAYS", default=3 * 365)
PROPOSALS_ANSWER_DAYS = env.int("PROPOSALS_ANSWER_DAYS", default=30)
PROPOSALS_OFFICE_EMAIL = env.str("PROPOSALS_OFFICE_EMAIL", default="")  # empty: OFFICE_EMAIL
PROPOSALS_FILES_ROOT = Path(env.str("PROPOSALS_FILES_ROOT", default=str(VAR_DIR / "private" / "proposals")))

# --- demo data (`manage.py seed_demo`)
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="")  # empty: generated once into var/demo_password
DEMO_PDF_FONT = env.str("DEMO_PDF_FONT", default="")  # a TrueType font with Cyrillic glyphs

# --- the rulebook in the libraries' screens (see leanedu/admin_rules.py)
# An import needs the model's own "import_<model>" permission, not just staff status.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
# History is read-only: no "revert" button (the POST is refused in the admin mixin too).
SIMPLE_HISTORY_REVERT_DISABLED = True
