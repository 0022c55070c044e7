from django.urls import path

from assessments.views import cycles as cycles_views
from assessments.views import questionnaire as questionnaire_views

app_name = "assessments"

urlpatterns = [
    path(
        "organizations/<int:pk>/cycles/new/",
        cycles_views.assessment_create,
        name="assessment_create",
    ),
    path("assessments/<int:pk>/", cycles_views.assessment_detail, name="assessment"),
    path("assessments/<int:pk>/report-status/", cycles_views.report_status, name="report_status"),
    path("assessments/<int:pk>/close/", cycles_views.assessment_close, name="close"),
    path("assessments/<int:pk>/edit/", cycles_views.assessment_edit, name="edit"),
    path("assessments/<int:pk>/remind/", cycles_views.assessment_remind, name="remind"),
    path("assessments/<int:pk>/reopen/", cycles_views.assessment_reopen, name="reopen"),
    path("assessments/<int:pk>/delete/", cycles_views.assessment_delete_confirm, name="delete"),
    path("assessments/<int:pk>/answer/", questionnaire_views.wizard_start, name="start"),
    path("assessments/<int:pk>/answer/save/", questionnaire_views.wizard_save, name="save"),
    path(
        "assessments/<int:pk>/answer/batch/",
        questionnaire_views.wizard_save_batch,
        name="save_batch",
    ),
    path("assessments/<int:pk>/answer/review/", questionnaire_views.wizard_review, name="review"),
    path("assessments/<int:pk>/answer/submit/", questionnaire_views.wizard_submit, name="submit"),
    path("assessments/<int:pk>/answer/<slug:code>/", questionnaire_views.wizard_step, name="step"),
    path("assessments/<int:pk>/invitations/", cycles_views.invitation_list, name="invitations"),
    path(
        "assessments/<int:pk>/invitations/<int:invitation_pk>/resend/",
        cycles_views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "assessments/<int:pk>/invitations/<int:invitation_pk>/revoke/",
        cycles_views.invitation_revoke,
        name="invitation_revoke",
    ),
    # Respondents have no account: the token in the link is their key.
    path("respond/thanks/", questionnaire_views.respond_thanks, name="respond_thanks"),
    path("respond/<str:token>/", questionnaire_views.respond, name="respond"),
    path("respond/<str:token>/save/", questionnaire_views.respond_save, name="respond_save"),
    path(
        "respond/<str:token>/batch/",
        questionnaire_views.respond_save_batch,
        name="respond_save_batch",
    ),
    path("respond/<str:token>/review/", questionnaire_views.respond_review, name="respond_review"),
    path("respond/<str:token>/submit/", questionnaire_views.respond_submit, name="respond_submit"),
    path("respond/<str:token>/<slug:code>/", questionnaire_views.respond_step, name="respond_step"),
]
