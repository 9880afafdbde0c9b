"""Security wiring: what a locked-out sign-in sees (django-axes' lockout callable).

The lockout itself (five failures per username and address, fifteen minutes'
cool-off) is configured in settings; this module only words the answer, on
the same sign-in page the person used, desk or admin.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

LOCKED_OUT_STATUS = 429


def lockout_message() -> str:
    """The sentence a locked-out person reads."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return (
        f"Too many failed sign-in attempts for this account from your network. "
        f"Sign-in is paused for {minutes} minutes; try again then, or ask an editor "
        "to reset your password."
    )


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """The sign-in page again, with the lockout sentence and 429 Too Many Requests."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = AuthenticationForm(request, data={"username": username})
    # Shown as the form's own error, without checking the password again.
    form._errors = ErrorDict(  # type: ignore[assignment]
        {NON_FIELD_ERRORS: form.error_class([lockout_message()], error_class="nonfield")}
    )
    response = HttpResponse(status=LOCKED_OUT_STATUS)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    if request.path.startswith(reverse("admin:index")):
        context = {
            **admin.site.each_context(request),
            "form": form,
            "title": "Log in",
            "app_path": request.get_full_path(),
            "username": username,
            "next": request.POST.get("next", ""),
        }
        page = render(request, "admin/login.html", context, status=LOCKED_OUT_STATUS)
    else:
        context = {"form": form, "next": request.POST.get("next", "")}
        page = render(request, "desk/login.html", context, status=LOCKED_OUT_STATUS)
    page["Retry-After"] = response["Retry-After"]
    return page
