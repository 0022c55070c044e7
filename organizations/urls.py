"""URLs of organizations, their strategy and members, mounted under /app/."""

from django.urls import path

from organizations import views

app_name = "organizations"

urlpatterns = [
    path("", views.dashboard, name="home"),
    path("organizations/new/", views.organization_create, name="organization_create"),
    path("organizations/<int:pk>/", views.organization_detail, name="organization"),
    path("organizations/<int:pk>/settings/", views.organization_settings, name="settings"),
    path("organizations/<int:pk>/strategy/", views.strategy, name="strategy"),
    path("organizations/<int:pk>/members/", views.members, name="members"),
]
