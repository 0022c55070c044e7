"""URLs of consultant access and the portfolio, mounted under /app/."""

from django.urls import path

from consultants.views import grants as consultant_views
from consultants.views import portfolio as portfolio_views

app_name = "consultants"

urlpatterns = [
    path("portfolio/", portfolio_views.portfolio, name="portfolio"),
    path(
        "portfolio/export.<str:fmt>",
        portfolio_views.portfolio_export,
        name="portfolio_export",
    ),
    path(
        "organizations/<int:pk>/consultants/",
        consultant_views.organization_consultants,
        name="organization",
    ),
    path(
        "organizations/<int:pk>/consultants/<int:grant_pk>/revoke/",
        consultant_views.grant_revoke,
        name="revoke",
    ),
    path("consultant-invitations/", consultant_views.invitations, name="invitations"),
    path(
        "consultant-invitations/<int:grant_pk>/accept/",
        consultant_views.invitation_accept,
        name="accept",
    ),
    path(
        "consultant-invitations/<int:grant_pk>/decline/",
        consultant_views.invitation_decline,
        name="decline",
    ),
]
