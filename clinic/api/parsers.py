"""The API's one JSON parser: a body is refused (400/413) before any view code sees it when it
is too large, nested too deep, not UTF-8, or holds what JSON cannot round-trip (NaN, Infinity,
numbers that overflow to infinity, lone UTF-16 surrogates, which no answer could echo back)."""

from __future__ import annotations

import json
import math
from typing import Any

from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.parsers import JSONParser

# Deeper than any body the API accepts (a sync batch of episodes with their relief items is 5).
MAX_DEPTH = 20


class RequestTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "request_too_large"
    default_detail = _("The request body is too large.")


def too_large(limit: int) -> str:
    return gettext("The request body is larger than %(limit)s bytes.") % {"limit": limit}


def _nested(depth: int) -> str:
    return gettext("JSON nested deeper than %(depth)s levels.") % {"depth": depth}


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("number out of range")
    return value


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def check_tree(value: Any, max_depth: int = MAX_DEPTH) -> None:
    """Depth and string checks without recursion, so no body can exhaust the stack here."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            if depth > max_depth:
                raise exceptions.ParseError(_nested(max_depth))
            for key, child in node.items():
                if _has_lone_surrogate(key):
                    raise exceptions.ParseError(gettext("JSON string holds an unpaired surrogate."))
                stack.append((child, depth + 1))
        elif isinstance(node, list):
            if depth > max_depth:
                raise exceptions.ParseError(_nested(max_depth))
            stack.extend((child, depth + 1) for child in node)
        elif isinstance(node, str) and _has_lone_surrogate(node):
            raise exceptions.ParseError(gettext("JSON string holds an unpaired surrogate."))


def loads(raw: bytes) -> Any:
    try:
        text = raw.decode("utf-8")
        data = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except UnicodeDecodeError as exc:
        raise exceptions.ParseError(gettext("The body is not UTF-8.")) from exc
    except RecursionError as exc:  # deeper than the interpreter can parse: certainly too deep
        raise exceptions.ParseError(_nested(MAX_DEPTH)) from exc
    except ValueError as exc:
        raise exceptions.ParseError(gettext("The body is not valid JSON.")) from exc
    check_tree(data)
    return data


class StrictJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        limit = settings.REQUEST_BODY_MAX_BYTES
        # The middleware refuses a large Content-Length; this also bounds a body sent without one.
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise RequestTooLarge(too_large(limit))
        if not raw.strip():
            raise exceptions.ParseError(gettext("The body is empty; send a JSON object."))
        return loads(raw)
