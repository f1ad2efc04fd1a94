"""Keeping secrets out of everything euare writes that the user did not ask for.

Two nets: the literal values this process knows to be secret (the secret key, session token,
passwords and new secrets it handles, also in their URL-encoded forms), and patterns for the
fields that carry secrets in IAM's requests and responses, in the shapes botocore's debug log
prints them (form bodies, XML, JSON and Python reprs), plus SigV4 signatures and PEM private keys.
"""

from __future__ import annotations

import logging
import re
from typing import IO
from urllib.parse import quote, quote_plus

MASK = "<redacted>"

SECRET_FIELDS = (
    "SecretAccessKey",
    "AWSSecretKey",
    "aws_secret_access_key",
    "SessionToken",
    "SecurityToken",
    "X-Amz-Security-Token",
    "Password",
    "NewPassword",
    "OldPassword",
    "ServicePassword",
    "PrivateKey",
    "AuthenticationCode1",
    "AuthenticationCode2",
)
_names = "|".join(re.escape(name) for name in SECRET_FIELDS)
_PATTERNS = [
    # <SecretAccessKey>...</SecretAccessKey>
    (re.compile(rf"(<(?:{_names})>)[^<]*(</)"), rf"\g<1>{MASK}\g<2>"),
    # 'Password': 'x', "Password": "x", 'X-Amz-Security-Token': b'x'
    (
        re.compile(rf"""(['"](?:{_names})['"]\s*:\s*b?)(['"])(?:\\.|(?!\2).)*\2"""),
        rf"\g<1>'{MASK}'",
    ),
    # Password=x& in form bodies and query strings; AWSSecretKey=x in credential files
    (re.compile(rf"(\b(?:{_names})=)[^&'\"\s]*"), rf"\g<1>{MASK}"),
    (re.compile(r"(Signature=)[0-9a-fA-F]+"), rf"\g<1>{MASK}"),
    (
        re.compile(r"-----BEGIN ([A-Z ]*)PRIVATE KEY-----.*?-----END \1PRIVATE KEY-----", re.S),
        rf"-----BEGIN \1PRIVATE KEY-----{MASK}-----END \1PRIVATE KEY-----",
    ),
]

_known: set[str] = set()


def remember(*secrets: str | None) -> None:
    """Register values that must never be printed unasked (too-short values are ignored)."""
    for secret in secrets:
        if secret and len(secret) >= 6:
            _known.update({secret, quote(secret, safe=""), quote_plus(secret)})


def redact(text: str) -> str:
    """Return ``text`` with every secret this module knows or recognises masked."""
    for secret in sorted(_known, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """A logging filter that renders each record once and masks the secrets in it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken log call must not break the command
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info:
            import traceback

            record.msg += "\n" + redact("".join(traceback.format_exception(*record.exc_info)))
            record.exc_info = None
            record.exc_text = None
        return True


def enable_debug_logging(stream: IO[str]) -> None:
    """Send euare's and botocore's debug log to ``stream`` through the redacting filter."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s [%(levelname)s] %(message)s"))
    handler.addFilter(RedactingFilter())
    for name in ("euare", "botocore", "boto3", "urllib3"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)
        logger.propagate = False
