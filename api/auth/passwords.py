"""Password hashing with Argon2id, at OWASP's recommended parameters.

argon2-cffi's default (RFC 9106's low-memory profile: 64 MiB, 3 passes, 4 lanes) costs
about 150 ms of CPU per login here; on fair morning thousands of organizations sign in
within minutes, and at that price the logins alone would hold a 2-core server for
minutes. OWASP's Argon2id setting (19 MiB, 2 passes, 1 lane) costs about 19 ms and is
still its recommendation for passwords. Hashes carry their parameters, so older ones
keep verifying and are re-hashed at the next successful login (``needs_rehash``).
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
