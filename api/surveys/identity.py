"""Who answered, without knowing who: keyed hashes of the device token and phone number.

The device token is a random value the resident's browser keeps; the phone number is
optional. Neither is stored: only HMAC-SHA256 under a server secret (the pepper,
``SHEQIA_SURVEY_PEPPER``), so a copy of the database alone cannot turn the hashes back
into phone numbers by trying every number, as it could with a plain hash.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re

from api.errors import ErrorCode, Problem

log = logging.getLogger(__name__)

# Used only when no pepper is configured: fine for a demo, not a secret anywhere.
DEVELOPMENT_PEPPER = "sheqia-development-survey-pepper"
# A random token made by the page (crypto.randomUUID or similar): 16–64 URL-safe characters.
DEVICE_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
# A mainland mobile number: 11 digits starting 1[3-9], with an optional +86/0086 prefix.
MOBILE = re.compile(r"1[3-9]\d{9}")
PHONE_PREFIXES = ("+86", "0086", "86")


def pepper_of(configured: str | None, production: bool) -> str:
    """The configured pepper, else the development one (with a warning in production)."""
    if configured:
        return configured
    if production:
        log.warning("SHEQIA_SURVEY_PEPPER is not set: survey hashes use the development key")
    return DEVELOPMENT_PEPPER


def keyed_hash(pepper: str, kind: str, value: str) -> str:
    """HMAC-SHA256 of ``value``, separated by ``kind`` so a token never equals a phone."""
    message = f"{kind}:{value}".encode()
    return hmac.new(pepper.encode(), message, hashlib.sha256).hexdigest()


def device_problems(token: str) -> list[Problem]:
    if DEVICE_TOKEN.fullmatch(token):
        return []
    message = "设备标识无效，请刷新页面后重试。The device token is not valid."
    return [Problem(ErrorCode.INVALID_INPUT, message, ["input", "deviceToken"])]


def normalised_phone(phone: str) -> str | None:
    """The 11 digits of a mainland mobile number, or None when it is not one."""
    digits = re.sub(r"[\s-]", "", phone)
    for prefix in PHONE_PREFIXES:
        if digits.startswith(prefix) and len(digits) == 11 + len(prefix):
            digits = digits[len(prefix) :]
            break
    return digits if MOBILE.fullmatch(digits) else None


def phone_problems(phone: str | None) -> list[Problem]:
    if phone is None or not phone.strip() or normalised_phone(phone) is not None:
        return []
    message = "手机号码格式不正确，应为 11 位手机号（可不填）。Not a mobile phone number."
    return [Problem(ErrorCode.INVALID_INPUT, message, ["input", "phone"])]
