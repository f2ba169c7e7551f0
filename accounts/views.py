"""The account page, the data download and account deletion (sign-in is allauth's)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts import exports, selectors, services
from accounts.forms import DeleteAccountForm
from showcase.services import has_verified_email


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "accounts/home.html",
        {
            "designs": selectors.account_designs(user),
            "orders": selectors.account_orders(user),
            "entries": selectors.account_entries(user),
            "verified": has_verified_email(user),
        },
    )


@login_required
@require_GET
def data_zip(request: HttpRequest) -> StreamingHttpResponse:
    stream = exports.data_zip(request.user)
    response = StreamingHttpResponse(stream, content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="retrocel-my-data.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.delete_account(user=user)
        messages.success(request, "Your account and designs are deleted. Goodbye!")
        return redirect("/")
    return render(
        request, "accounts/delete.html", {"form": form}, status=400 if form.errors else 200
    )


@require_GET
def signed_out(request: HttpRequest) -> HttpResponse:
    """Where allauth's sign-out lands (``LOGOUT_REDIRECT_URL``)."""
    return render(request, "accounts/signed_out.html")
