"""What a new password must be: long enough, not too long, and not one attackers try first.

NIST SP 800-63B and OWASP's authentication cheat sheet ask for a minimum length, a
maximum that still allows passphrases, and a check against commonly used and breached
passwords rather than composition rules. The check is zxcvbn (Dropbox's estimator, kept
on PyPI as ``zxcvbn``): it ships the frequency lists of leaked passwords, common words
and names, and also sees keyboard walks, repeats, sequences, dates and the username
inside the password. A score under 3 ("safely unguessable" starts at 3) is refused.
"""

from __future__ import annotations

from zxcvbn import zxcvbn

from api.errors import ErrorCode, Problem

MIN_LENGTH = 10
# Long enough for a passphrase; bounded so that hashing and checking stay cheap.
MAX_LENGTH = 128
MIN_SCORE = 3
# zxcvbn's run time grows with the input; its authors advise checking a bounded prefix.
CHECKED_PREFIX = 100
GUESSABLE = (
    "密码太常见或太容易猜到（如 12345678、password、键盘连打、含用户名），"
    "请换一个更长、更少见的密码"
)


def password_problems(password: str, username: str = "") -> list[Problem]:
    """Why ``password`` may not be used (empty when it may)."""
    if len(password) < MIN_LENGTH:
        return [_problem(f"密码至少需要 {MIN_LENGTH} 个字符")]
    if len(password) > MAX_LENGTH:
        return [_problem(f"密码不能超过 {MAX_LENGTH} 个字符")]
    if not password.strip():
        return [_problem("密码不能全是空格")]
    inputs = [username] if username else []
    checked = zxcvbn(password[:CHECKED_PREFIX], user_inputs=inputs, max_length=CHECKED_PREFIX)
    if checked["score"] < MIN_SCORE:
        return [_problem(GUESSABLE)]
    return []


def _problem(message: str) -> Problem:
    return Problem(ErrorCode.INVALID_INPUT, message, ["password"])
