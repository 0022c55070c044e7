from django.urls import path

from assessments import views

app_name = "assessments"

urlpatterns = [
    path("", views.dashboard, name="home"),
    path("organizations/new/", views.organization_create, name="organization_create"),
    path("organizations/<int:pk>/", views.organization_detail, name="organization"),
    path("organizations/<int:pk>/strategy/", views.strategy, name="strategy"),
    path("organizations/<int:pk>/members/", views.members, name="members"),
    path("organizations/<int:pk>/cycles/new/", views.assessment_create, name="assessment_create"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment"),
    path("assessments/<int:pk>/report-status/", views.report_status, name="report_status"),
    path("assessments/<int:pk>/close/", views.assessment_close, name="close"),
    path("assessments/<int:pk>/answer/", views.wizard_start, name="start"),
    path("assessments/<int:pk>/answer/save/", views.wizard_save, name="save"),
    path("assessments/<int:pk>/answer/review/", views.wizard_review, name="review"),
    path("assessments/<int:pk>/answer/submit/", views.wizard_submit, name="submit"),
    path("assessments/<int:pk>/answer/<slug:code>/", views.wizard_step, name="step"),
    path("assessments/<int:pk>/invitations/", views.invitation_list, name="invitations"),
    path(
        "assessments/<int:pk>/invitations/<int:invitation_pk>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "assessments/<int:pk>/invitations/<int:invitation_pk>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    # Respondents have no account: the token in the link is their key.
    path("respond/thanks/", views.respond_thanks, name="respond_thanks"),
    path("respond/<str:token>/", views.respond, name="respond"),
    path("respond/<str:token>/save/", views.respond_save, name="respond_save"),
    path("respond/<str:token>/review/", views.respond_review, name="respond_review"),
    path("respond/<str:token>/submit/", views.respond_submit, name="respond_submit"),
    path("respond/<str:token>/<slug:code>/", views.respond_step, name="respond_step"),
]
