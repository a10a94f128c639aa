"""Settings shared by every environment. Values come from environment variables.

dev.py, test.py and prod.py import this module and adjust it; nothing here
may assume a particular deployment.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The deployment: another district runs the same code with other values.
PLATFORM_NAME = os.environ.get("PLATFORM_NAME", "非公经济综合管理与服务平台")
FEDERATION_NAME = os.environ.get("FEDERATION_NAME", "北京市朝阳区工商业联合会")
DISTRICT_NAME = os.environ.get("DISTRICT_NAME", "朝阳区")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_filters",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "apps.core",
    "apps.accounts",
    "apps.audit",
    "apps.registry",
    "apps.enterprises",
    "apps.portal",
    "apps.filings",
    "apps.insights",
    "apps.members",
    "apps.people",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "apps.core.middleware.RequestContextMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "apps.accounts.middleware.SessionTimeoutMiddleware",
    "apps.accounts.middleware.SecondFactorRequiredMiddleware",
    "apps.accounts.middleware.PasswordChangeRequiredMiddleware",
    # An enterprise account not yet linked to its enterprise sees only its waiting page.
    "apps.portal.middleware.EnterpriseAccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "apps.core.middleware.NoStoreMiddleware",
    # axes last: it turns a lockout raised during authentication into our page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "csp.context_processors.nonce",
                "apps.core.context_processors.platform",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------
# SQLite in var/ is the embedded default; DATABASE_URL selects PostgreSQL.
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Our backend creates databases with a UTF-8 ctype: Chinese trigram search needs it.
    DATABASES["default"]["ENGINE"] = "apps.core.db.postgresql"
    DATABASES["default"]["TEST"] = {"TEMPLATE": "template0", "CHARSET": "UTF8"}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "apps.core.cache.ReusingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "fic",
        }
    }
    # Sessions read from the shared cache, written through to the database.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts and authentication -----------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend with cached permissions (apps/accounts/access.py).
    "apps.accounts.backends.CachedPermissionsBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "apps.accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "apps.accounts.validators.NotContainingUsernameValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# 等保 2.0 asks for periodic change; an administrator turns it on per account.
PASSWORD_MAX_AGE_DAYS = int(os.environ.get("PASSWORD_MAX_AGE_DAYS", "90"))
# Accounts unused this long are disabled by a scheduled task.
ACCOUNT_IDLE_DISABLE_DAYS = int(os.environ.get("ACCOUNT_IDLE_DISABLE_DAYS", "90"))

# django-axes: 5 failures lock the account (not the IP) for 30 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "apps.accounts.views.lockout_response"
AXES_USERNAME_CALLABLE = "apps.accounts.views.axes_username"
AXES_CLIENT_IP_CALLABLE = "apps.core.request_context.client_ip_for_axes"
AXES_VERBOSE = False
# Number of reverse proxies in front of the application whose X-Forwarded-For we trust.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Sessions: 30 minutes idle, 12 hours absolute (enforced by SessionTimeoutMiddleware).
SESSION_IDLE_TIMEOUT = timedelta(minutes=int(os.environ.get("SESSION_IDLE_MINUTES", "30")))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "apps.core.views.csrf_failure"

OTP_TOTP_ISSUER = PLATFORM_NAME
OTP_TOTP_THROTTLE_FACTOR = 1

# --- Security headers ------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Internationalisation -----------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"
# Uploaded files are never served from a public URL: downloads go through views.
MEDIA_URL = "/media-not-served/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Background work ---------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Recurring schedules are declared in code: apps.core.schedules.SCHEDULES.
SCHEDULE_MODULES = [
    "apps.accounts.schedules",
    "apps.audit.schedules",
    "apps.enterprises.schedules",
    "apps.core.notify.schedules",
    "apps.filings.schedules",
    "apps.insights.schedules",
    "apps.insights.report.schedules",
    "apps.members.schedules",
]

# Data quality: a quarter-on-quarter or year-on-year change beyond this factor is flagged.
QUALITY_CHANGE_FACTOR = float(os.environ.get("QUALITY_CHANGE_FACTOR", "5"))
# Imports: files above this many bytes are refused; bigger row counts run in the background.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(200 * 1024 * 1024)))
IMPORT_BACKGROUND_ROWS = int(os.environ.get("IMPORT_BACKGROUND_ROWS", "5000"))
# An import nobody finished (not confirmed, cancelled or completed) is given up after this
# many hours and its uploaded file deleted (SECURITY.md 30).
IMPORT_STALE_HOURS = int(os.environ.get("IMPORT_STALE_HOURS", "24"))

# --- Enterprise portal (apps.portal) -------------------------------------------
# Public registrations accepted per client IP per window (SECURITY.md 23).
PORTAL_REGISTRATION_LIMIT = int(os.environ.get("PORTAL_REGISTRATION_LIMIT", "5"))
PORTAL_REGISTRATION_WINDOW = 3600  # seconds
# Invitation codes: valid this many days; stored as a keyed hash (HMAC-SHA256) whose key
# is PORTAL_INVITATION_KEY, or derived from SECRET_KEY when it is not set (rotating that
# key invalidates the codes not used yet).
PORTAL_INVITATION_DAYS = int(os.environ.get("PORTAL_INVITATION_DAYS", "30"))
PORTAL_INVITATION_KEY = os.environ.get("PORTAL_INVITATION_KEY", "")

# --- Enterprise filings (apps.filings) -------------------------------------------
# Scheduled reminders (催报): this many days before a campaign's deadline, and this many
# days after it (once overdue); each enterprise gets each at most once per campaign.
FILINGS_REMIND_BEFORE_DAYS = int(os.environ.get("FILINGS_REMIND_BEFORE_DAYS", "3"))
FILINGS_REMIND_OVERDUE_AFTER_DAYS = int(os.environ.get("FILINGS_REMIND_OVERDUE_AFTER_DAYS", "1"))
# A reminder sent by hand skips enterprises reminded within this many hours.
FILINGS_MANUAL_REMINDER_HOURS = int(os.environ.get("FILINGS_MANUAL_REMINDER_HOURS", "24"))
# Largest uploaded list of target credit codes.
FILINGS_TARGET_LIST_MAX_BYTES = 5 * 1024 * 1024

# --- Notifications (apps.core.notify) ----------------------------------------
# Mail goes through Django's email machinery. With no EMAIL_HOST (the offline
# `make run` default) email deliveries are recorded as skipped, "not configured".
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# SMS: one JSON POST per message to the gateway, bearer token, 2xx = accepted.
# With no endpoint SMS deliveries are recorded as skipped, "not configured".
NOTIFY_SMS_ENDPOINT = os.environ.get("NOTIFY_SMS_ENDPOINT", "")
NOTIFY_SMS_TOKEN = os.environ.get("NOTIFY_SMS_TOKEN", "")
NOTIFY_SMS_SIGN = os.environ.get("NOTIFY_SMS_SIGN", f"【{DISTRICT_NAME}工商联】")
NOTIFY_SMS_TIMEOUT = float(os.environ.get("NOTIFY_SMS_TIMEOUT", "10"))
# A vendor's client replaces ours by dotted path (interface: apps/core/notify/adapters.py).
NOTIFY_EMAIL_ADAPTER = os.environ.get(
    "NOTIFY_EMAIL_ADAPTER", "apps.core.notify.adapters.DjangoEmailAdapter"
)
NOTIFY_SMS_ADAPTER = os.environ.get(
    "NOTIFY_SMS_ADAPTER", "apps.core.notify.adapters.HttpJsonSmsAdapter"
)
# Seconds before each retry of a failed send; after the last one the send is given up.
NOTIFY_RETRY_DELAYS = [int(s) for s in env_list("NOTIFY_RETRY_DELAYS", "300,1800,7200")]
# The site's address for links in emails, e.g. https://fic.example.gov.cn (none if empty).
NOTIFY_SITE_URL = os.environ.get("NOTIFY_SITE_URL", "")
# How long the nav badge's unread count may be cached (exact with a shared cache).
NOTIFY_UNREAD_CACHE_SECONDS = int(os.environ.get("NOTIFY_UNREAD_CACHE_SECONDS", "300"))

# --- Insights (apps.insights) ------------------------------------------------
# Called on commit by apps.enterprises.hooks.ledger_changed(enterprise_ids, periods) after
# every write to enterprises or their ledger: modules keeping figures derived from them.
LEDGER_CHANGE_HOOKS = ["apps.insights.refresh.on_ledger_change"]
# A refresh of more enterprises than this is done as a full rebuild of the summary.
INSIGHTS_REFRESH_MAX_ENTERPRISES = int(os.environ.get("INSIGHTS_REFRESH_MAX_ENTERPRISES", "50000"))
# The safety net (changes that bypassed the hooks) looks this often, and compares ledger
# rows written within this many minutes with the summary's facts.
INSIGHTS_SAFETY_NET_SECONDS = int(os.environ.get("INSIGHTS_SAFETY_NET_SECONDS", "30"))
INSIGHTS_SAFETY_NET_WINDOW_MINUTES = 10

# --- Monthly reports and the big screen (apps.insights.report) -------------------
# The big screen fetches its figures again this often (seconds).
INSIGHTS_SCREEN_REFRESH_SECONDS = int(os.environ.get("INSIGHTS_SCREEN_REFRESH_SECONDS", "60"))

# --- Membership applications and certificates (apps.members.applications) ----------
# Each document at most this size (checked by content: PDF, JPG, PNG). A whole application
# request above MEMBERS_APPLICATION_MAX_REQUEST_BYTES (two documents and the fields) is
# refused from its Content-Length before any of it is read; nginx's client_max_body_size
# must be at least that (README, "Membership applications").
MEMBERS_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
MEMBERS_APPLICATION_MAX_REQUEST_BYTES = 2 * MEMBERS_ATTACHMENT_MAX_BYTES + 1024 * 1024
# Per-IP limits on the public pages, in the shared cache: (requests, window in seconds).
MEMBERS_RATE_LIMITS = {
    "apply": (int(os.environ.get("MEMBERS_APPLY_LIMIT", "20")), 3600),
    "status": (int(os.environ.get("MEMBERS_STATUS_LOOKUP_LIMIT", "20")), 3600),
    "verify": (int(os.environ.get("MEMBERS_VERIFY_LIMIT", "60")), 3600),
}
# The captcha of the public forms (apps/core/captcha.py): a picture is valid this long
# (seconds), for one attempt.
CAPTCHA_TTL = 600
# The answer that solves every captcha: set only by config/settings/test.py, never read
# from the environment; `check --deploy` fails when it is set (core.E003).
CAPTCHA_TEST_ANSWER = ""
# Key of the verification codes printed on certificates (derived from SECRET_KEY when
# unset; changing it makes the codes already printed fail to verify).
MEMBERS_CERTIFICATE_KEY = os.environ.get("MEMBERS_CERTIFICATE_KEY", "")
# After the look-up by reference number and mobile, the applicant's browser may see the
# application this long.
MEMBERS_STATUS_ACCESS_MINUTES = 30

# --- Member database (apps.members) --------------------------------------------
# Member numbers: {year} is the join year, {seq} a counter that only ever increases (per
# prefix: with {year} in the pattern each year starts again at 1). A number is never given
# twice, even after its member has left.
MEMBERS_NUMBER_PATTERN = os.environ.get("MEMBERS_NUMBER_PATTERN", "CY{year}{seq:05d}")
# Yearly dues fall due on this month-day; a member admitted later in the year has this many
# days from the join date.
MEMBERS_DUES_DUE_DATE = os.environ.get("MEMBERS_DUES_DUE_DATE", "03-31")
MEMBERS_DUES_NEW_MEMBER_DAYS = int(os.environ.get("MEMBERS_DUES_NEW_MEMBER_DAYS", "30"))
# Scheduled dues reminders: this many days before the due date, and this many after it
# (once overdue); each year's dues get each reminder at most once.
MEMBERS_DUES_REMIND_BEFORE_DAYS = int(os.environ.get("MEMBERS_DUES_REMIND_BEFORE_DAYS", "30"))
MEMBERS_DUES_REMIND_AFTER_DAYS = int(os.environ.get("MEMBERS_DUES_REMIND_AFTER_DAYS", "30"))
# Dues unpaid this many days after their due date flag the member for the lapse review
# (staff decide; nobody is lapsed automatically).
MEMBERS_LAPSE_AFTER_DAYS = int(os.environ.get("MEMBERS_LAPSE_AFTER_DAYS", "365"))

# --- People database (apps.people) -------------------------------------------
# Keys of the personal data (ID numbers, phones: SM4-GCM, and the HMAC-SM3 look-up index),
# never in the database and never SECRET_KEY. Either a key file (JSON, outside the web root,
# mode 600) or the two environment variables; without valid keys the platform refuses to
# start (README "Keys of the people database"; `manage.py rotate_keys` after adding a key).
PEOPLE_KEY_FILE = os.environ.get("PEOPLE_KEY_FILE", "")
# "k2:<32 hex>,k1:<32 hex>": every data key still needed, the newest (used to encrypt) first.
PEOPLE_DATA_KEYS = os.environ.get("PEOPLE_DATA_KEYS", "")
# "i1:<64 hex>": the key of the look-up index (changing it means `rotate_keys` rebuilds it).
PEOPLE_INDEX_KEY = os.environ.get("PEOPLE_INDEX_KEY", "")
# A comprehensive evaluation (综合评价) is valid this many years; the workbench lists those
# that expire within this many days.
PEOPLE_EVALUATION_VALID_YEARS = 3
PEOPLE_EVALUATION_WARN_DAYS = int(os.environ.get("PEOPLE_EVALUATION_WARN_DAYS", "90"))
# An approved unmasked export can be downloaded once, within this many hours of approval.
PEOPLE_EXPORT_APPROVAL_HOURS = int(os.environ.get("PEOPLE_EXPORT_APPROVAL_HOURS", "24"))
# Photos: JPG or PNG checked by content, at most this size.
PEOPLE_PHOTO_MAX_BYTES = 5 * 1024 * 1024

# --- Audit -------------------------------------------------------------------
AUDIT_RETENTION_DAYS = max(180, int(os.environ.get("AUDIT_RETENTION_DAYS", "180")))

# Functions that return the to-dos shown on a staff member's home page.
# Later modules append their own provider here.
HOME_TODO_PROVIDERS: list[str] = [
    "apps.portal.todos.pending_links",
    "apps.filings.todos.filing_todos",
    "apps.members.todos.member_todos",
    "apps.members.applications.todos.application_todos",
    "apps.people.todos.people_todos",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    },
    "filters": {"request_id": {"()": "apps.core.request_context.RequestIdLogFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Demo data generators run by `manage.py seed_demo`, in order. Later modules add theirs.
DEMO_SEEDERS = [
    "apps.registry.demo.seed",
    "apps.accounts.demo.seed",
    "apps.enterprises.demo.seed",
    "apps.portal.demo.seed",
    "apps.filings.demo.seed",
    "apps.insights.demo.seed",
    "apps.insights.report.demo.seed",
    "apps.members.demo.seed",
    "apps.members.applications.demo.seed",
    "apps.people.demo.seed",
]

# We lock the account, not the IP, as 等保 2.0 requires; see docs/decisions.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
