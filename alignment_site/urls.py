"""Top-level URLs: the landing page, accounts, the admin, the API and each domain's pages."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.decorators.cache import cache_control
from django.views.i18n import JavaScriptCatalog

from accounts import views as account_views


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    # Resolved per request: with hashed static names the URL is known only after collectstatic.
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


# The admin logs in through allauth's pages, so its verification and two-factor steps apply.
admin.autodiscover()
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", account_views.home, name="home"),
    # Browsers ask for /favicon.ico on pages that link no icon (the admin's, files, errors).
    path("favicon.ico", favicon, name="favicon"),
    # The translated strings of static/js, for gettext() and interpolate() in the browser. Pages
    # ask for it with their language in the query, so the browser may keep each copy a while
    # and every page's scripts start without waiting for it again.
    path(
        "jsi18n/",
        cache_control(max_age=3600, private=True)(JavaScriptCatalog.as_view()),
        name="javascript-catalog",
    ),
    path("accounts/", include("accounts.urls")),
    # The language switcher posts here. It stands in for django.conf.urls.i18n (same path and
    # name): Django's set_language does the work, and a logged-in user's choice is also stored.
    path("i18n/setlang/", account_views.language_set, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("app/", include("organizations.urls")),
    path("app/", include("assessments.urls")),
    path("app/", include("reports.urls")),
    path("app/", include("alerts.urls")),
    path("", include("briefs.urls")),
    path("app/", include("pulses.urls")),
    path("app/", include("consultants.client_urls")),
    path("app/", include("consultants.urls")),
]
