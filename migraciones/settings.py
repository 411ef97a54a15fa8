"""Settings, all read from the environment in this one place.

MIGRACIONES_ENV picks the mode: ``development`` (the embedded default: SQLite in var/,
eager tasks, file e-mail), ``test`` or ``production`` (refuses to start without a secret
key, with DEBUG on, or without allowed hosts).
"""
from pathlib import Path

import environ
from csp import constants as _csp_constants
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("MIGRACIONES_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

MIGRACIONES_ENV = env.str("MIGRACIONES_ENV", default="development")
PRODUCTION = MIGRACIONES_ENV == "production"

DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[] if PRODUCTION else ["*"])

# Values that ship in this repository for development. Production refuses each of them (see the
# guard at the end of this file); another development value is added here beside its setting.
DEVELOPMENT_VALUES: dict[str, str] = {
    "DJANGO_SECRET_KEY": "development-only-key-not-for-production-use-0123456789",
}

if PRODUCTION:
    if not SECRET_KEY or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set (32+ characters) in production")
    if DEBUG:
        raise ImproperlyConfigured("DJANGO_DEBUG must be off in production")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set in production")
elif not SECRET_KEY:
    SECRET_KEY = DEVELOPMENT_VALUES["DJANGO_SECRET_KEY"]

INSTALLED_APPS = [
    "auditoria.admin_site.PortalAdminConfig",  # django.contrib.admin, refusing NUL in parameters
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "cuentas",
    "auditoria",
    "outbox",
    "workflow",
    "integraciones",
    "rim",
    "calendario",
    "pagos",
    "citas",
    "documentos",
    "buzon",
    "biometria",
    "pasaporte",
    "control",
    "egates",
    "tam",
    "tramites",
    "carne",
    "migraciones",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "migraciones.middleware.CameraPagesMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "migraciones.middleware.SpanishFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "migraciones.middleware.ApiBodyLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "cuentas.middleware.StaffSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "cuentas.middleware.OfficerOTPRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
    "migraciones.middleware.PageErrorMiddleware",
]

ROOT_URLCONF = "migraciones.urls"
# A form without its CSRF token gets the designed 403 page that says what to do (not Django's).
CSRF_FAILURE_VIEW = "migraciones.errors.csrf_failure"
WSGI_APPLICATION = "migraciones.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "migraciones.context_processors.portal",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith(("postgresql", "postgis"))

AUTH_USER_MODEL = "cuentas.User"
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
if MIGRACIONES_ENV == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "cuentas:login"
# A person lands on their own summary; staff go on to TOTP and then to their work page.
LOGIN_REDIRECT_URL = "my_summary"
LOGOUT_REDIRECT_URL = "home"

# Login throttling (django-axes): lock an account+IP after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
# Per account, whatever the source address: a new address (or a forged X-Forwarded-For) must not
# buy another five guesses. The address is read as the throttles read it (cuentas.throttling).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_CLIENT_IP_CALLABLE = "cuentas.throttling.axes_client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "cuentas/lockout.html"
# The sign-in page warns when this many attempts or fewer are left before the lockout.
LOGIN_ATTEMPTS_WARNING_AT = env.int("LOGIN_ATTEMPTS_WARNING_AT", default=2)
# TOTP: django-otp's growing delay after each wrong code (1 s, 2 s, 4 s...) refused the right code
# typed right after a typo. Guesses are bounded instead by counting them per account and address
# (THROTTLE_RATES "otp_verify_*"): a wrong code costs an attempt, never the next right one.
OTP_TOTP_THROTTLE_FACTOR = 0

LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Español")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Lima"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = DEBUG
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=15 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Cache: Redis when REDIS_URL is set, process memory otherwise.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: eager when no broker is configured (the embedded default).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
# Redis hands an unacknowledged task to another worker after this long (a dead worker's job is
# not lost); it must exceed the longest retry countdown (300 s) or delayed retries run twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 900}
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ROUTES = {
    "pasaporte.tasks.validate_application_task": {"queue": "validation"},
    "pasaporte.tasks.validation_resume_pending_task": {"queue": "validation"},
    "citas.tasks.no_show_release_task": {"queue": "validation"},
    "pasaporte.tasks.personalize_passport_task": {"queue": "personalization"},
    "pasaporte.tasks.expire_uncollected_task": {"queue": "personalization"},
    "pasaporte.tasks.notify_status_task": {"queue": "notifications"},
    "control.tasks.preregistration_encode": {"queue": "biometrics"},
    "biometria.tasks.gallery_sync_task": {"queue": "biometrics"},
    "tam.tasks.tam_email_send": {"queue": "notifications"},
    "buzon.tasks.notice_alert_send_task": {"queue": "notifications"},
    "buzon.tasks.notice_alerts_retry_task": {"queue": "notifications"},
    "outbox.tasks.outbox_sweep_task": {"queue": "default"},
    "pagos.tasks.payment_receipt_verify_task": {"queue": "validation"},
    "pagos.tasks.payments_resume_pending_task": {"queue": "validation"},
    "tramites.tasks.case_start_task": {"queue": "validation"},
    "tramites.tasks.case_checks_resume_task": {"queue": "validation"},
    "tramites.tasks.case_constancia_task": {"queue": "notifications"},
    "tramites.tasks.cases_deadlines_task": {"queue": "default"},
}
CELERY_BEAT_SCHEDULE: dict = {
    "pasaporte-resume-pending-validations": {
        "task": "pasaporte.tasks.validation_resume_pending_task", "schedule": 300.0},
    "citas-no-show-release": {"task": "citas.tasks.no_show_release_task", "schedule": 3600.0},
    "pasaporte-expire-uncollected": {"task": "pasaporte.tasks.expire_uncollected_task", "schedule": 86400.0},
    "pagos-resume-pending-receipts": {"task": "pagos.tasks.payments_resume_pending_task", "schedule": 300.0},
    "egates-idempotency-purge": {"task": "egates.tasks.idempotency_keys_purge", "schedule": 3600.0},
    "egates-challenges-purge": {"task": "egates.tasks.chip_challenges_purge", "schedule": 3600.0},
    "cuentas-device-nonces-purge": {"task": "cuentas.tasks.device_nonces_purge", "schedule": 600.0},
    "buzon-alerts-retry": {"task": "buzon.tasks.notice_alerts_retry_task", "schedule": 300.0},
    "buzon-deem-unopened": {"task": "buzon.tasks.notices_deem_task", "schedule": 3600.0},
    # Cases: notifications that took effect, finality, observations lapsed, abandonment, positive silence.
    "tramites-deadlines": {"task": "tramites.tasks.cases_deadlines_task", "schedule": 3600.0},
    "tramites-checks-resume": {"task": "tramites.tasks.case_checks_resume_task", "schedule": 300.0},
    "outbox-sweep": {"task": "outbox.tasks.outbox_sweep_task",
                     "schedule": env.float("OUTBOX_SWEEP_INTERVAL_S", default=30.0)},
}
# Side effects are outbox rows committed with the change (outbox/); the sweep republishes rows
# still pending after this many seconds (their own after-commit publish failed or never ran).
OUTBOX_SWEEP_AFTER_S = env.float("OUTBOX_SWEEP_AFTER_S", default=30.0)
# The buzón: an unopened notice counts as notified on the first business day after this many
# business days from its deposit; the e-mailed acknowledgement link lasts this long.
BUZON_DEEMED_AFTER_BUSINESS_DAYS = env.int("BUZON_DEEMED_AFTER_BUSINESS_DAYS", default=5)
BUZON_ACK_LINK_MAX_AGE_S = env.int("BUZON_ACK_LINK_MAX_AGE_S", default=60 * 86400)
PASAPORTE_VALIDATION_BACKOFF_S = env.float("PASAPORTE_VALIDATION_BACKOFF_S", default=5.0)
# Where a personalized chip's whole image (with its Active and Chip Authentication private keys) is
# handed to the card printer; the database keeps the image without those keys.
PASAPORTE_CHIP_OUTPUT_DIR = Path(env.str("PASAPORTE_CHIP_OUTPUT_DIR", default=str(VAR_DIR / "chip-output")))
# Face encodings at control run in this many worker processes per web process (0: in-process).
CONTROL_FACE_PROCESSES = env.int("CONTROL_FACE_PROCESSES", default=1)
# The portal's public address: every link in an e-mail and every callback URL given to an external
# system is built from it, never from the request's Host header (which a client chooses).
SITE_URL = env.str("SITE_URL", default="" if PRODUCTION else "http://127.0.0.1:8000").rstrip("/")
if PRODUCTION and not SITE_URL.startswith("https://"):
    raise ImproperlyConfigured("SITE_URL must be set to the portal's https:// address in production")

# Help and contact (the /ayuda/ page, the footer): the channels the public is given.
CONTACT_PHONE = env.str("CONTACT_PHONE", default="(01) 200-1000")
CONTACT_EMAIL = env.str("CONTACT_EMAIL", default="informes@migraciones.gob.pe")
CONTACT_HOURS = env.str("CONTACT_HOURS", default="")
# The Libro de Reclamaciones (D.S. 007-2020-PCM): the State's virtual book, linked from every page.
LIBRO_RECLAMACIONES_URL = env.str("LIBRO_RECLAMACIONES_URL", default="https://reclamos.servicios.gob.pe/")
SEDES_URL = env.str("SEDES_URL", default="https://www.gob.pe/migraciones")

# E-mail: files in var/mail in development, SMTP in production.
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
# A mail server that does not answer must not hold a worker: the send fails and is retried.
EMAIL_TIMEOUT = env.float("EMAIL_TIMEOUT", default=10.0)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="no-responder@migraciones.gob.pe")

# External systems: one base URL each; the simulators serve all four on loopback by default.
SIMULATORS_HOST = env.str("SIMULATORS_HOST", default="127.0.0.1")
SIMULATORS_PORT = env.int("SIMULATORS_PORT", default=8700)
_SIM = f"http://{SIMULATORS_HOST}:{SIMULATORS_PORT}"
RENIEC_URL = env.str("RENIEC_URL", default=f"{_SIM}/reniec")
BANCO_NACION_URL = env.str("BANCO_NACION_URL", default=f"{_SIM}/banco-nacion")
PNP_URL = env.str("PNP_URL", default=f"{_SIM}/pnp")
INTERPOL_URL = env.str("INTERPOL_URL", default=f"{_SIM}/interpol")
INTEGRATIONS_TIMEOUT = env.float("INTEGRATIONS_TIMEOUT", default=3.0)
INTEGRATIONS_RETRIES = env.int("INTEGRATIONS_RETRIES", default=2)
# Shared secret with which Banco de la Nación signs payment notifications.
DEVELOPMENT_VALUES["BANCO_NACION_NOTIFY_SECRET"] = "demo-bn-notify-secret"
BANCO_NACION_NOTIFY_SECRET = env.str(
    "BANCO_NACION_NOTIFY_SECRET", default="" if PRODUCTION else DEVELOPMENT_VALUES["BANCO_NACION_NOTIFY_SECRET"]
)
if PRODUCTION and not BANCO_NACION_NOTIFY_SECRET:
    raise ImproperlyConfigured("BANCO_NACION_NOTIFY_SECRET must be set in production")

# Biometric data at rest: AES-GCM keys by id, "id:base64key,id2:base64key"; the first encrypts.
DEVELOPMENT_VALUES["BIOMETRIA_KEYS"] = "dev1:ZGV2ZWxvcG1lbnQta2V5LTMyLWJ5dGVzLWxvbmchISE="
BIOMETRIA_KEYS = env.str("BIOMETRIA_KEYS", default="" if PRODUCTION else DEVELOPMENT_VALUES["BIOMETRIA_KEYS"])
if PRODUCTION and not BIOMETRIA_KEYS:
    raise ImproperlyConfigured("BIOMETRIA_KEYS must be set in production")

# The audit chain (auditoria): each entry's hash is an HMAC under AUDIT_HMAC_KEY, a key the
# database never sees; retired keys stay in AUDIT_HMAC_OLD_KEYS (comma-separated) to verify the
# entries they made. Signed checkpoints go to AUDIT_CHECKPOINT_DIR (one file each; in production
# a directory the database host cannot write, ideally append-only), every AUDIT_CHECKPOINT_INTERVAL_S.
DEVELOPMENT_VALUES["AUDIT_HMAC_KEY"] = "development-audit-hmac-key-not-for-production-0123456789"
AUDIT_HMAC_KEY = env.str(
    "AUDIT_HMAC_KEY", default="" if PRODUCTION else DEVELOPMENT_VALUES["AUDIT_HMAC_KEY"]
)
if PRODUCTION and len(AUDIT_HMAC_KEY) < 32:
    raise ImproperlyConfigured("AUDIT_HMAC_KEY must be set (32+ characters) in production")
AUDIT_HMAC_OLD_KEYS = env.list("AUDIT_HMAC_OLD_KEYS", default=[])
AUDIT_CHECKPOINT_DIR = Path(env.str("AUDIT_CHECKPOINT_DIR", default=str(VAR_DIR / "audit-checkpoints")))
AUDIT_CHECKPOINT_INTERVAL_S = env.float("AUDIT_CHECKPOINT_INTERVAL_S", default=300.0)
CELERY_BEAT_SCHEDULE["auditoria-checkpoint"] = {
    "task": "auditoria.tasks.audit_checkpoint_task", "schedule": AUDIT_CHECKPOINT_INTERVAL_S}

# Device HMAC secrets at rest (cuentas.DeviceCredential): AES-GCM keys by id, same format as above.
DEVELOPMENT_VALUES["DEVICE_SECRET_KEYS"] = "dev1:ZGV2aWNlLXNlY3JldHMtZGV2ZWxvcG1lbnQta2V5IQ=="
DEVICE_SECRET_KEYS = env.str(
    "DEVICE_SECRET_KEYS", default="" if PRODUCTION else DEVELOPMENT_VALUES["DEVICE_SECRET_KEYS"])
if PRODUCTION and not DEVICE_SECRET_KEYS:
    raise ImproperlyConfigured("DEVICE_SECRET_KEYS must be set in production")

# eMRTD PKI (test CSCA and Document Signer made by `python -m mrtd pki init`).
MRTD_PKI_DIR = Path(env.str("MRTD_PKI_DIR", default=str(VAR_DIR / "pki")))
# Document-signing certificate of the PDFs (documentos.signing); empty: `documentos/` in MRTD_PKI_DIR.
DOCUMENTOS_SIGNER_DIR = env.str("DOCUMENTOS_SIGNER_DIR", default="")

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "migraciones.schema.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "EXCEPTION_HANDLER": "migraciones.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min", "user": "600/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "MIGRACIONES API",
    "DESCRIPTION": "API del portal de la Superintendencia Nacional de Migraciones",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Officers and supervisors: signed out 8 hours after signing in and after 30 minutes without a
# request (cuentas.middleware.StaffSessionMiddleware); citizens keep Django's session age.
STAFF_SESSION_MAX_AGE_S = env.int("STAFF_SESSION_MAX_AGE_S", default=8 * 3600)
STAFF_SESSION_IDLE_S = env.int("STAFF_SESSION_IDLE_S", default=30 * 60)

# Reverse proxies in front of the portal (docs/OPERATIONS.md): 0 means none, so X-Forwarded-For and
# X-Forwarded-Proto are never believed; N means the last N hops of X-Forwarded-For were added by our
# own proxies, and the first of them terminates TLS and sets X-Forwarded-Proto.
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)
if TRUSTED_PROXIES > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXIES
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # The container's own health check speaks plain HTTP on loopback.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# /healthz gives its details (each part, timings, error class) only with this bearer token or to
# a signed-in staff member; everyone else gets {"status": "ok"|"fail"}.
HEALTHZ_TOKEN = env.str("HEALTHZ_TOKEN", default="")
# A worker writes its heartbeat into the cache this often; /healthz calls it dead after the max age.
WORKER_HEARTBEAT_INTERVAL_S = env.float("WORKER_HEARTBEAT_INTERVAL_S", default=30.0)
WORKER_HEARTBEAT_MAX_AGE_S = env.float("WORKER_HEARTBEAT_MAX_AGE_S", default=90.0)
CELERY_BEAT_SCHEDULE["migraciones-worker-heartbeat"] = {
    "task": "migraciones.tasks.worker_heartbeat", "schedule": WORKER_HEARTBEAT_INTERVAL_S}

# Throttles of public look-ups and of the password reset (cuentas.throttling): "count/period"
# per client address and per document or account looked up. Without the cache they fail closed.
THROTTLE_RATES = {
    "tam_download_ip": env.str("THROTTLE_TAM_DOWNLOAD_IP", default="20/hour"),
    "tam_download_document": env.str("THROTTLE_TAM_DOWNLOAD_DOCUMENT", default="5/hour"),
    "tam_verify_ip": env.str("THROTTLE_TAM_VERIFY_IP", default="60/min"),
    # /verificar/: a person checks a few documents; sweeping codes from one address is stopped.
    "documentos_verify_ip": env.str("THROTTLE_DOCUMENTOS_VERIFY_IP", default="30/min"),
    "password_reset_ip": env.str("THROTTLE_PASSWORD_RESET_IP", default="10/hour"),
    "password_reset_account": env.str("THROTTLE_PASSWORD_RESET_ACCOUNT", default="3/hour"),
    "otp_activation_ip": env.str("THROTTLE_OTP_ACTIVATION_IP", default="20/hour"),
    "otp_activation_user": env.str("THROTTLE_OTP_ACTIVATION_USER", default="5/hour"),
    "otp_verify_ip": env.str("THROTTLE_OTP_VERIFY_IP", default="60/hour"),
    "otp_verify_user": env.str("THROTTLE_OTP_VERIFY_USER", default="10/15m"),
    # MigraCheck pre-registration (anonymous, with a 1 MB chip photo): per address and per document.
    "migracheck_ip": env.str("THROTTLE_MIGRACHECK_IP", default="20/hour"),
    "migracheck_document": env.str("THROTTLE_MIGRACHECK_DOCUMENT", default="5/hour"),
    # Tying a foreigner's account to their record (four data to guess): per address and per account.
    "tramites_link_ip": env.str("THROTTLE_TRAMITES_LINK_IP", default="20/hour"),
    "tramites_link_user": env.str("THROTTLE_TRAMITES_LINK_USER", default="5/hour"),
    # The tramites API's operations that cost work (eligibility, a draft, an upload, a payment, a submit):
    # a filing takes about ten; an address may stand for many people (a cabin, an NGO helping a wave).
    "tramites_api_ip": env.str("THROTTLE_TRAMITES_API_IP", default="600/hour"),
    "tramites_api_user": env.str("THROTTLE_TRAMITES_API_USER", default="120/hour"),
}

# Content-Security-Policy (django-csp): scripts and styles only from the portal or carrying the
# request's nonce; no plugins, no framing, forms only to the portal.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", _csp_constants.NONCE],
        "style-src": ["'self'", _csp_constants.NONCE],
        "img-src": ["'self'", "data:", "blob:"],
        "media-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Permissions-Policy (django-permissions-policy): no powerful feature anywhere; the camera only on
# the enrollment and counter pages, for the portal itself (migraciones.middleware.CameraPagesMiddleware).
PERMISSIONS_POLICY = {
    "camera": [], "microphone": [], "geolocation": [], "payment": [], "usb": [], "serial": [],
    "bluetooth": [], "hid": [], "display-capture": [], "fullscreen": ["self"],
}
PERMISSIONS_POLICY_CAMERA_VIEWS = frozenset({
    "biometria:capture", "pasaporte:enroll", "pasaporte:deliver", "control:counter",
    "documentos:verify"})  # /verificar/ scans a document's QR with the phone's camera

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Libraries that narrate routine work at INFO: pikepdf's start-up line, weasyprint's seven layout
    # steps per PDF (every act, receipt and TAM), fontTools' subsetting.
    "loggers": {name: {"level": "WARNING"} for name in ("axes", "pikepdf", "weasyprint", "fontTools")},
}

if PRODUCTION:
    # Refuse the repository's development values, a wildcard host and the simulators standing in
    # for RENIEC, the bank, PNP or Interpol (migraciones/production_guard.py says why each).
    from migraciones.production_guard import refuse_unsafe_settings

    refuse_unsafe_settings(globals())
