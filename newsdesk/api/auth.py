"""Bearer-token authentication for the API.

Tokens travel in ``Authorization: Bearer <token>``, never in cookies, so the
calls they authorise cannot be forged cross-site and need no CSRF token.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.errors import AuthenticationError, AuthorizationError
from ninja.security import HttpBearer

from newsdesk.newsroom.permissions import is_newsroom

from .services import token_authenticate


def _bearer_token(request: HttpRequest) -> str | None:
    """The raw token, None without an Authorization header; 401 when it is malformed."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise AuthenticationError(message="Send the API token as 'Authorization: Bearer <token>'.")
    return token


def _user_for(token: str) -> Any:
    user = token_authenticate(raw=token)
    if user is None:
        raise AuthenticationError(
            message="The API token is unknown, expired or revoked; ask an editor for a new one."
        )
    return user


class NewsroomToken(HttpBearer):
    """Required token of a newsroom member (editor or reporter)."""

    def __call__(self, request: HttpRequest) -> Any:
        token = _bearer_token(request)
        if token is None:
            raise AuthenticationError(
                message="This call needs an API token: send 'Authorization: Bearer <token>'."
            )
        return self.authenticate(request, token)

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = _user_for(token)
        if not is_newsroom(user):
            raise AuthorizationError(message="This account is not a member of the newsroom.")
        return user


class OptionalToken(HttpBearer):
    """Readers need no token; a token, when sent, must be good, and shows drafts to the newsroom."""

    def __call__(self, request: HttpRequest) -> Any:
        token = _bearer_token(request)
        if token is None:
            return AnonymousUser()
        return self.authenticate(request, token)

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return _user_for(token)


newsroom_token = NewsroomToken()
optional_token = OptionalToken()
