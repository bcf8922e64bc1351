"""Logging: one JSON line per event, with the request id, from every module; secrets masked.

`configure()` (app.py calls it at import) puts one handler on the `chalicelib` logger (every service and
store logs under `logging.getLogger(__name__)`), on `contractor_portal` (the access log) and on Chalice's
`app.log`, and stops them propagating: Lambda's root handler and Chalice's own handler would print each
event a second time. It is idempotent and cheap: Powertools' formatter (LambdaPowertoolsFormatter, its
JSON layout: level, location, message, timestamp, service, xray_trace_id) is imported on the first line
written, which is inside the first request, after boto3 is loaded; `import app` does not pay for it.

`bound(...)` binds fields (request_id, apigw_request_id, method, path) to every line logged inside it, in a ContextVar:
the HTTP middleware and the scheduled job wrap their work in it. It also re-reads LOG_LEVEL (default
INFO), since Chalice's test client and `chalice local` set the stage's variables only during a request.

Redaction is a safety net, not a licence: log ids and counts, never a secret. Every line is masked
before it is written: values of extra fields (and of a dict message) whose key names a secret
(password, pin, token, code, secret, answer, authorization, ...), and in the message and traceback text
`Bearer ...`, `key=value` / `"key": "value"` with such a key, and any run of 40+ URL-safe characters
(session and reset tokens are 43, digests 64; payment ids are 32 hex and stay readable).
"""

from __future__ import annotations

import copy
import json
import logging
import os
import re
import sys
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from types import MappingProxyType
from typing import Any

SERVICE = "contractor-portal"
LOGGERS = ("chalicelib", "contractor_portal")  # every module's logger, and the access log's parent
MASK = "***"
FIELD_ORDER = ["level", "message", "logger", "timestamp", "service", "request_id", "method", "path"]

_CONTEXT: ContextVar[Mapping[str, Any]] = ContextVar("portal_log_context", default=MappingProxyType({}))
_HANDLER_MARK = "_portal_json_handler"

# --- redaction ----------------------------------------------------------------------------------

# Pattern strings, not compiled patterns: `re` compiles each on first use (in a request) and caches it,
# so `import app` does not pay for them.
_SECRET_WORD = (r"password|passwd|pwd|passcode|pin|token|secret|answer|code|otp|authorization|auth"
                r"|credentials?|signature|cookie|session|api_?key")
_SECRET_KEY = rf"(?i)(^|[^a-z])({_SECRET_WORD})s?([^a-z]|$)"
_SAFE_KEYS = frozenset({"status_code", "error_code", "http_code"})
_BEARER = r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+"
_KEY_VALUE = (rf"(?i)(?P<key>\b[A-Za-z_]*(?:{_SECRET_WORD})[A-Za-z_]*)(?P<sep>['\"]?\s*[=:]\s*)"
              r"(?:(?P<quote>['\"])[^'\"]*(?P=quote)?|[^\s'\",;&}\]]+)")
_LONG_TOKEN = r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{40,}(?![A-Za-z0-9_-])"
_CAMEL = r"(?<=[a-z0-9])(?=[A-Z])"


def is_secret_key(key: str) -> bool:
    """True for a field name that names a secret: reset_code, newPassword, Authorization, pin..."""
    if key.lower() in _SAFE_KEYS:
        return False
    return re.search(_SECRET_KEY, re.sub(_CAMEL, "_", key)) is not None  # camelCase words count as words


def redact_text(text: str) -> str:
    """Mask bearer credentials, secret-named key=value pairs and long random tokens in free text."""

    def pair(match: re.Match[str]) -> str:
        if not is_secret_key(match.group("key")):
            return match.group(0)
        quote = match.group("quote") or ""
        return f"{match.group('key')}{match.group('sep')}{quote}{MASK}{quote}"

    text = re.sub(_BEARER, lambda m: f"{m.group(1)} {MASK}", text)
    return re.sub(_LONG_TOKEN, MASK, re.sub(_KEY_VALUE, pair, text))


def redact_value(key: str, value: Any, depth: int = 0) -> Any:
    """An extra field's value as it may be logged."""
    if is_secret_key(key):
        return MASK
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Mapping) and depth < 4:
        return {k: redact_value(str(k), v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple) and depth < 4:
        return [redact_value(key, v, depth + 1) for v in value]
    return redact_text(value if isinstance(value, str) else str(value))  # what json.dumps(default=str) writes


# What logging.LogRecord sets itself (plus what a formatter caches): everything else came in `extra`.
_RECORD_ATTRS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}
_BOUND_KEYS = frozenset({"request_id", "apigw_request_id", "method", "path", "job"})  # set by us: ids, not secrets


def _clean_record(record: logging.LogRecord) -> logging.LogRecord:
    """A copy of the record with the bound fields added and everything masked; the original is untouched."""
    clean = copy.copy(record)
    extras = {**_CONTEXT.get(), **{k: v for k, v in vars(record).items() if k not in _RECORD_ATTRS}}
    for key, value in extras.items():
        clean.__dict__[key] = value if key in _BOUND_KEYS else redact_value(key, value)
    clean.logger = record.name
    if isinstance(record.msg, Mapping):
        clean.msg = redact_value("", record.msg)
    else:
        try:
            text = record.getMessage()
        except Exception:  # a bad format string: log what there is rather than lose the line
            text = f"{record.msg} {record.args!r}"
        clean.msg, clean.args = redact_text(text), None
    clean.exc_text = None  # the formatter renders (and masks) the traceback itself
    clean.__dict__.pop("message", None)  # another formatter's unmasked copy
    return clean


# --- the formatter and the handler --------------------------------------------------------------

def _not_json(_text: object) -> str:
    raise ValueError("messages stay text")  # Powertools would turn a message "200" or "null" into JSON


def _powertools_formatter() -> logging.Formatter:
    from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

    class Formatter(LambdaPowertoolsFormatter):
        def formatException(self, ei: Any) -> str:
            return redact_text(super().formatException(ei))

    return Formatter(
        json_serializer=partial(json.dumps, default=str, separators=(",", ":"), ensure_ascii=False),  # one line
        json_deserializer=_not_json,
        log_record_order=FIELD_ORDER,
        utc=True,
        use_rfc3339=True,
        serialize_stacktrace=False,  # its frames would carry the exception's text unmasked; "exception" has it
        service=os.environ.get("POWERTOOLS_SERVICE_NAME", "").strip() or SERVICE,
    )


class JsonFormatter(logging.Formatter):
    """Masks the record, then formats it with Powertools' formatter, created on the first line."""

    def __init__(self) -> None:
        super().__init__()
        self._inner: logging.Formatter | None = None

    def format(self, record: logging.LogRecord) -> str:
        if self._inner is None:
            self._inner = _powertools_formatter()
        return self._inner.format(_clean_record(record))


class StdoutHandler(logging.StreamHandler):
    """Writes to whatever sys.stdout is when a line is written (Lambda sends stdout to CloudWatch; pytest
    swaps it per test)."""

    def __init__(self) -> None:
        super().__init__()
        setattr(self, _HANDLER_MARK, True)

    @property
    def stream(self) -> Any:
        return sys.stdout

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


_handler: StdoutHandler | None = None
_extra_loggers: list[str] = []
_applied_level: int | None = None


def level_from_env() -> int:
    """LOG_LEVEL (DEBUG, INFO, WARNING, ERROR; default INFO); an unknown name is INFO."""
    return logging.getLevelNamesMapping().get(os.environ.get("LOG_LEVEL", "").strip().upper(), logging.INFO)


def configure(*loggers: logging.Logger | str) -> None:
    """Route the portal's loggers (and any given, e.g. Chalice's app.log) to the one JSON handler.

    Safe to call any number of times: a logger gets the handler once, and Chalice's own stdout handler
    on app.log is replaced by it. Imports nothing heavy.
    """
    global _handler
    if _handler is None:
        _handler = StdoutHandler()
        _handler.setFormatter(JsonFormatter())
    for extra in loggers:
        name = extra if isinstance(extra, str) else extra.name
        if name not in _extra_loggers:
            _extra_loggers.append(name)
    for name in (*LOGGERS, *_extra_loggers):
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            if handler is _handler:
                continue
            if getattr(handler, _HANDLER_MARK, False) or (
                    type(handler) is logging.StreamHandler and handler.stream in (sys.stdout, sys.stderr)):
                logger.removeHandler(handler)  # a stale copy of ours (module reloaded), or Chalice's
        if _handler not in logger.handlers:
            logger.addHandler(_handler)
        logger.propagate = False
    apply_level()


def apply_level() -> None:
    global _applied_level
    level = level_from_env()
    if level != _applied_level:
        for name in (*LOGGERS, *_extra_loggers):
            logging.getLogger(name).setLevel(level)
        _applied_level = level


def request_id(lambda_context: Any = None, request_context: Mapping[str, Any] | None = None) -> str:
    """The Lambda invocation's aws_request_id; else API Gateway's requestId; else a new one."""
    found = getattr(lambda_context, "aws_request_id", None) or (request_context or {}).get("requestId")
    return str(found) if found else str(uuid.uuid4())


@contextmanager
def bound(**fields: Any) -> Iterator[None]:
    """Add the fields (request_id, method, path...) to every line logged inside; cleared on the way out."""
    if _handler is None:
        configure()
    else:
        apply_level()
    token = _CONTEXT.set({**_CONTEXT.get(), **{k: v for k, v in fields.items() if v is not None}})
    try:
        yield
    finally:
        _CONTEXT.reset(token)

