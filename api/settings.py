"""Settings read from the environment: nothing is required to run the embedded default."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from zoneinfo import ZoneInfo

DEFAULT_DATABASE_URL = "sqlite://./sheqia.db"
DEFAULT_OCID_PREFIX = "ocds-sheqia"
# The largest spreadsheet accepted for upload (bytes); request bodies beyond it are refused.
DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# The largest request body that is not an upload (a JSON or application/graphql query).
DEFAULT_MAX_BODY_BYTES = 256 * 1024
# The same for signed-in organizers and publishers: publishProjects takes up to 5,000
# projects as JSON (about 2 MB).
DEFAULT_MAX_PUBLISH_BODY_BYTES = 4 * 1024 * 1024


def _normalise_url(url: str) -> str:
    # Tortoise names the PostgreSQL scheme "postgres"; accept the usual spellings too.
    for alias in ("postgresql+asyncpg://", "postgresql://"):
        if url.startswith(alias):
            return "postgres://" + url[len(alias) :]
    return url


@dataclass(frozen=True)
class Settings:
    """The process-wide configuration, read once from ``SHEQIA_*`` variables."""

    database_url: str = DEFAULT_DATABASE_URL
    env: str = "development"
    timezone: str = "Asia/Shanghai"
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 4000
    page_size_cap: int = 100
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_publish_body_bytes: int = DEFAULT_MAX_PUBLISH_BODY_BYTES
    # Where fair events travel between workers: None keeps them in this process.
    broker_url: str | None = None
    max_subscriptions_per_connection: int = 10
    # Objects a query may be estimated to return (schema/cost.py); above it, refused.
    max_query_cost: int = 5000
    # Rate limits (api/ratelimit.py), in the ``limits`` notation ("10/minute; 100/hour";
    # empty: none). None for ``rate_limits`` means on, except in the test suite.
    rate_limits: bool | None = None
    rate_limit_url: str = "memory://"
    rate_limit_login: str = "300/minute"  # login attempts per client IP
    rate_limit_login_user: str = "10/minute"  # login attempts per client IP and username
    rate_limit_mutations: str = "60/minute"  # per signed-in account, else per client IP
    # Residents' survey answers per client IP (instead of the mutation limit): a community
    # hall behind one address may see dozens of residents answer within minutes.
    rate_limit_survey: str = "30/minute; 300/day"
    # The secret key of the device-token and phone-number hashes of survey answers
    # (api/surveys/identity.py). None: a fixed development key, with a warning in production.
    survey_pepper: str | None = None
    # The address residents reach the site by, for the QR code's link (``https://…``);
    # None: the address the organizer's own request came in by.
    public_url: str | None = None
    # GraphQL introspection (``__schema``/``__type``): None means on, except in production.
    introspection_switch: bool | None = None
    # The OCDS ocid prefix (``ocds-`` + 6 characters). A publisher registers its own with
    # the OCDS Helpdesk; the default is a placeholder that is nobody's registered prefix.
    ocid_prefix: str = DEFAULT_OCID_PREFIX
    # Shared answers to read requests (schema/response_cache.py). None means on, except
    # in the test suite; the time-to-live bounds staleness from writes that send no
    # event (the command line) and answers that depend on the clock.
    response_cache: bool | None = None
    response_cache_ttl: float = 10.0

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def introspection(self) -> bool:
        if self.introspection_switch is not None:
            return self.introspection_switch
        return not self.production

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def response_cached(self) -> bool:
        """Whether read answers are shared: the test suite writes rows behind the app's
        back (factories), so ``env="test"`` leaves the cache off unless asked for."""
        on = self.response_cache if self.response_cache is not None else self.env != "test"
        return on and self.response_cache_ttl > 0

    @property
    def rate_limited(self) -> bool:
        """Whether rate limits apply: the test suite's shared app makes many mutations
        from one client, so ``env="test"`` leaves them off unless asked for."""
        return self.rate_limits if self.rate_limits is not None else self.env != "test"


def _switch(value: str | None) -> bool | None:
    """``on``/``off`` (also 1/0, true/false); unset is None."""
    if value is None or not value.strip():
        return None
    return value.strip().lower() not in ("0", "off", "false", "no")


@functools.cache
def city_zone() -> ZoneInfo:
    """The city's time zone (``SHEQIA_TIMEZONE``): what people read and what "today" is.
    Storage and comparisons stay in UTC."""
    return ZoneInfo(load_settings().timezone)


def load_settings() -> Settings:
    env = os.environ
    return Settings(
        database_url=_normalise_url(env.get("SHEQIA_DATABASE_URL", DEFAULT_DATABASE_URL)),
        env=env.get("SHEQIA_ENV", "development"),
        timezone=env.get("SHEQIA_TIMEZONE", "Asia/Shanghai"),
        max_upload_bytes=int(env.get("SHEQIA_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES)),
        max_body_bytes=int(env.get("SHEQIA_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES)),
        max_publish_body_bytes=int(
            env.get("SHEQIA_MAX_PUBLISH_BODY_BYTES", DEFAULT_MAX_PUBLISH_BODY_BYTES)
        ),
        broker_url=env.get("SHEQIA_BROKER_URL") or None,
        max_query_cost=int(env.get("SHEQIA_MAX_QUERY_COST", Settings.max_query_cost)),
        rate_limits=_switch(env.get("SHEQIA_RATE_LIMITS")),
        rate_limit_url=env.get("SHEQIA_RATE_LIMIT_URL") or Settings.rate_limit_url,
        rate_limit_login=env.get("SHEQIA_RATE_LIMIT_LOGIN", Settings.rate_limit_login),
        rate_limit_login_user=env.get(
            "SHEQIA_RATE_LIMIT_LOGIN_USER", Settings.rate_limit_login_user
        ),
        rate_limit_mutations=env.get("SHEQIA_RATE_LIMIT_MUTATIONS", Settings.rate_limit_mutations),
        ocid_prefix=env.get("SHEQIA_OCID_PREFIX", "").strip() or DEFAULT_OCID_PREFIX,
        response_cache=_switch(env.get("SHEQIA_RESPONSE_CACHE")),
        response_cache_ttl=float(
            env.get("SHEQIA_RESPONSE_CACHE_TTL", Settings.response_cache_ttl)
        ),
        rate_limit_survey=env.get("SHEQIA_RATE_LIMIT_SURVEY", Settings.rate_limit_survey),
        survey_pepper=env.get("SHEQIA_SURVEY_PEPPER") or None,
        public_url=(env.get("SHEQIA_PUBLIC_URL") or "").strip().rstrip("/") or None,
        introspection_switch=_switch(env.get("SHEQIA_INTROSPECTION")),
    )
