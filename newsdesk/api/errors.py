"""Every API error as ``{"error": "<code>", "detail": "<sentence>"}`` with a fitting 4xx.

The exception handlers registered on the NinjaAPI turn validation failures,
newsroom errors, Django's own exceptions and anything unexpected into that one
shape, so no input ever produces an HTML page or a traceback.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from newsdesk.newsroom.errors import NewsroomError

logger = logging.getLogger(__name__)

STATUS_FOR_CODE = {
    "invalid": 400,
    "forbidden": 403,
    "not_found": 404,
    "conflict": 409,
    "too_large": 413,
    "unsupported_media_type": 415,
}
CODE_FOR_STATUS = {
    400: "invalid",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}


class ApiError(Exception):
    """Raised by API views for an error with a code, a sentence and an HTTP status."""

    def __init__(self, status: int, detail: str, *, code: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.code = code or CODE_FOR_STATUS.get(status, "invalid")


def error_response(status: int, code: str, detail: str) -> JsonResponse:
    """The one shape every API error takes."""
    return JsonResponse({"error": code, "detail": detail}, status=status)


# --- request bodies ---------------------------------------------------------------


class BodyError(ValueError):
    """The request body is not a JSON document the API can read."""


class JsonParser(Parser):
    """JSON bodies only, and only text that a database can store."""

    def parse_body(self, request: HttpRequest) -> Any:
        try:
            data = json.loads(request.body)
        except UnicodeDecodeError as error:
            raise BodyError("The request body is not UTF-8 text.") from error
        except ValueError as error:
            raise BodyError(f"The request body is not valid JSON ({error}).") from error
        try:
            # Lone surrogates ("\ud800") parse as JSON but cannot be stored.
            json.dumps(data, ensure_ascii=False).encode()
        except UnicodeEncodeError as error:
            raise BodyError("The request body contains text that is not valid Unicode.") from error
        return data


# Room for the largest article body (100,000 characters) even when every
# character is sent as a six-byte JSON escape; anything bigger is refused unread.
MAX_BODY_BYTES = 1024 * 1024
# A photo upload's form fields and multipart framing, beyond the file itself.
UPLOAD_OVERHEAD_BYTES = 64 * 1024


def body_limit(request: HttpRequest) -> int:
    """The largest body this request may send: a photo upload's limit, else MAX_BODY_BYTES."""
    if request.method == "POST" and request.path.rstrip("/") == "/api/media":
        from newsdesk.media.services import media_limits

        return media_limits()[0] + UPLOAD_OVERHEAD_BYTES
    return MAX_BODY_BYTES


# --- validation messages ----------------------------------------------------------


def _field_name(loc: tuple[Any, ...] | list[Any]) -> tuple[str, str]:
    """('body', 'payload', 'points', 0, 'text') -> ('points[0].text', 'field')."""
    parts = list(loc)
    source = parts.pop(0) if parts and parts[0] in {"body", "query", "path", "header"} else ""
    if source == "body" and parts and parts[0] == "payload":
        parts.pop(0)
    name = ""
    for part in parts:
        if isinstance(part, int):
            name += f"[{part}]"
        elif part in {"function-before[_accept_bare_list()]"} or "[" in str(part):
            continue
        else:
            name += f".{part}" if name else str(part)
    kind = {"query": "parameter", "path": "part of the address"}.get(source, "field")
    return name, kind


def _sentence(error: dict[str, Any]) -> str:
    name, kind = _field_name(error.get("loc", ()))
    ctx = error.get("ctx") or {}
    kind_of = error.get("type", "")
    if not name:
        if kind_of in {"model_type", "model_attributes_type", "dict_type", "missing"}:
            return "The request body must be a JSON object."
        return f"The request body is not valid: {error.get('msg', 'unknown problem')}."
    subject = f"The {name} {kind}"
    messages = {
        "missing": f"{subject} is required.",
        "extra_forbidden": f"'{name}' is not a {kind} this call accepts.",
        "string_type": f"{subject} must be text.",
        "bool_type": f"{subject} must be true or false.",
        "bool_parsing": f"{subject} must be true or false.",
        "int_type": f"{subject} must be a whole number.",
        "int_parsing": f"{subject} must be a whole number.",
        "int_from_float": f"{subject} must be a whole number.",
        "list_type": f"{subject} must be a list.",
        "dict_type": f"{subject} must be an object.",
        "model_type": f"{subject} must be an object.",
        "model_attributes_type": f"{subject} must be an object.",
        "greater_than_equal": f"{subject} must be at least {ctx.get('ge')}.",
        "greater_than": f"{subject} must be more than {ctx.get('gt')}.",
        "less_than_equal": f"{subject} must be at most {ctx.get('le')}.",
        "less_than": f"{subject} must be less than {ctx.get('lt')}.",
        "string_too_long": f"{subject} must be at most {ctx.get('max_length')} characters.",
    }
    return messages.get(kind_of, f"{subject} is not valid: {error.get('msg', '')}.")


def validation_detail(errors: list[dict[str, Any]]) -> str:
    """One sentence per problem, the first few joined."""
    sentences = list(dict.fromkeys(_sentence(e) for e in errors))
    more = len(sentences) - 3
    text = " ".join(sentences[:3])
    return f"{text} (and {more} more)" if more > 0 else text


# --- handlers ---------------------------------------------------------------------


def _on_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return error_response(400, "invalid", validation_detail(list(exc.errors)))


def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    status = exc.status_code
    if 400 <= status < 500:
        cause = exc.__cause__
        if isinstance(cause, BodyError):
            return error_response(400, "invalid", str(cause))
        if isinstance(cause, RequestDataTooBig):
            return _too_large()
        detail = str(exc.message)
        if isinstance(exc, AuthenticationError) and detail == "Unauthorized":
            detail = "This call needs an API token: send 'Authorization: Bearer <token>'."
        elif isinstance(exc, AuthorizationError) and detail == "Forbidden":
            detail = "Your role does not allow this."
        return error_response(status, CODE_FOR_STATUS.get(status, "invalid"), detail)
    return _on_unexpected(request, exc)


def _on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return error_response(exc.status, exc.code, exc.detail)


def _on_newsroom_error(request: HttpRequest, exc: NewsroomError) -> HttpResponse:
    return error_response(STATUS_FOR_CODE.get(exc.code, 400), exc.code, exc.detail)


def _on_404(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(404, "not_found", f"Nothing at {request.path}; see /api/docs.")


def _on_django_forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(403, "forbidden", "Your role does not allow this.")


def _too_large(limit: int = MAX_BODY_BYTES) -> HttpResponse:
    return error_response(413, "too_large", f"The request body is larger than {limit:,} bytes.")


def _on_suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    if isinstance(exc, RequestDataTooBig):
        return _too_large()
    return error_response(400, "invalid", "The request was refused as malformed.")


def _on_database(request: HttpRequest, exc: DatabaseError) -> HttpResponse:
    if isinstance(exc, OperationalError | InterfaceError):
        logger.error("API call %s %s: database unavailable: %s", request.method, request.path, exc)
        response = error_response(
            503, "unavailable", "The database is not answering; nothing was saved. Try again."
        )
        response["Retry-After"] = "5"  # as DatabaseUnavailableMiddleware answers pages
        return response
    return _on_unexpected(request, exc)


def _on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API call %s %s failed", request.method, request.path, exc_info=exc)
    return error_response(
        500, "server_error", "Something went wrong on the server; nothing was shown."
    )


def install_handlers(api: NinjaAPI) -> None:
    """Register the handlers on ``api``; the most specific class wins."""
    api.add_exception_handler(NinjaValidationError, _on_validation)
    api.add_exception_handler(HttpError, _on_http_error)
    api.add_exception_handler(ApiError, _on_api_error)
    api.add_exception_handler(NewsroomError, _on_newsroom_error)
    api.add_exception_handler(Http404, _on_404)
    api.add_exception_handler(DjangoPermissionDenied, _on_django_forbidden)
    api.add_exception_handler(SuspiciousOperation, _on_suspicious)
    api.add_exception_handler(DatabaseError, _on_database)
    api.add_exception_handler(Exception, _on_unexpected)


# --- URL-level guard --------------------------------------------------------------


def guarded(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap a ninja URL view: bound the body before it is read, JSON for 405 and escapes."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return error_response(400, "invalid", "The Content-Length header is not a number.")
        limit = body_limit(request)
        if length > limit:
            return _too_large(limit)
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return _on_404(request, Http404())
        except Exception as exc:  # noqa: BLE001 - the last line before a 500 page
            return _on_unexpected(request, exc)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            allowed = response.get("Allow", "")
            json_response = error_response(
                405,
                "method_not_allowed",
                f"{request.method} is not allowed here; use {allowed or 'another method'}.",
            )
            if allowed:
                json_response["Allow"] = allowed
            return json_response
        return response

    wrapper.csrf_exempt = True  # type: ignore[attr-defined]
    return wrapper


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any path under /api/ that names no call."""
    return _on_404(request, Http404())


not_found.csrf_exempt = True  # type: ignore[attr-defined]
