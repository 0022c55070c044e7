"""Brief URLs: the owner's and members' pages under /app/, the personal links under /brief/."""

from django.urls import path

from briefs import views

app_name = "briefs"

urlpatterns = [
    path("app/assessments/<int:pk>/brief/", views.brief_view, name="view"),
    path("app/assessments/<int:pk>/brief/manage/", views.brief_manage, name="manage"),
    path("app/assessments/<int:pk>/brief/links/", views.brief_links_resend, name="links_resend"),
    path(
        "app/assessments/<int:pk>/brief/posts/<int:post_pk>/answer/",
        views.brief_post_answer,
        name="answer",
    ),
    path("brief/<str:token>/", views.brief_read, name="read"),
    path("brief/<str:token>/read/", views.brief_mark_read, name="mark_read"),
    path("brief/<str:token>/ask/<int:index>/", views.brief_ask, name="ask"),
]
