"""Safeguarding URLs. They carry record ids only, never names or details."""

from django.urls import path

from . import views

app_name = "safeguarding"
urlpatterns = [
    # Pupils
    path("talk/", views.talk, name="talk"),
    path("talk/sent/", views.talk_sent, name="talk_sent"),
    path("times-tables/", views.quick_exit, name="quick_exit"),
    # Staff
    path("raise/", views.raise_concern, name="raise"),
    path("raised/", views.raised_list, name="raised_list"),
    path("raised/<int:concern_id>/", views.raised_detail, name="raised_detail"),
    # DSL area
    path("", views.home, name="home"),
    path("cases/<int:concern_id>/", views.case, name="case"),
    path("cases/<int:concern_id>/acknowledge/", views.case_acknowledge, name="case_acknowledge"),
    path("cases/<int:concern_id>/entries/", views.case_entry_add, name="case_entry_add"),
    path(
        "cases/<int:concern_id>/entries/<int:entry_id>/correct/",
        views.case_entry_correct,
        name="case_entry_correct",
    ),
    path("cases/<int:concern_id>/close/", views.case_close, name="case_close"),
    path("cases/<int:concern_id>/reopen/", views.case_reopen, name="case_reopen"),
    path("cases/<int:concern_id>/link/", views.case_link, name="case_link"),
    path("cases/<int:concern_id>/export/", views.case_export, name="case_export"),
    path("pupils/<int:pupil_id>/", views.pupil_record, name="pupil_record"),
    path("pupils/<int:pupil_id>/export/", views.pupil_export, name="pupil_export"),
    path("flags/<int:flag_id>/", views.flag, name="flag"),
    path("flags/<int:flag_id>/promote/", views.flag_promote, name="flag_promote"),
    path("flags/<int:flag_id>/dismiss/", views.flag_dismiss, name="flag_dismiss"),
    path("search/", views.search, name="search"),
    path("access-log/", views.access_log, name="access_log"),
    path("settings/", views.settings_view, name="settings"),
    # Records that follow the child (transfer part of issue 11): the child's details, sending the
    # file to the next school, the receiving school's one-time link (a token, never pupil data),
    # importing a received file, retention review and legal holds.
    path("pupils/<int:pupil_id>/details/", views.child_details_edit, name="child_details"),
    path("pupils/<int:pupil_id>/transfer/", views.transfer_new, name="transfer_new"),
    path("pupils/<int:pupil_id>/hold/", views.legal_hold_place, name="legal_hold_place"),
    path("pupils/<int:pupil_id>/hold/lift/", views.legal_hold_lift, name="legal_hold_lift"),
    path("transfers/", views.transfer_list, name="transfers"),
    path("transfers/<int:transfer_id>/", views.transfer_detail, name="transfer"),
    path("receive/<str:token>/", views.receive, name="receive"),
    path("receive/<str:token>/files/<str:kind>/", views.receive_file, name="receive_file"),
    path("receive/<str:token>/confirm/", views.receive_confirm, name="receive_confirm"),
    path("import/", views.record_import, name="record_import"),
    path("retention/", views.retention_review, name="retention"),
    # Casework: actions, attachments, referral outcomes, related cases
    path("actions/", views.my_actions, name="my_actions"),
    path("cases/<int:concern_id>/actions/", views.case_action_add, name="case_action_add"),
    path(
        "cases/<int:concern_id>/actions/<int:action_id>/complete/",
        views.case_action_complete,
        name="case_action_complete",
    ),
    path(
        "cases/<int:concern_id>/attachments/",
        views.case_attachment_add,
        name="case_attachment_add",
    ),
    path(
        "cases/<int:concern_id>/attachments/<int:attachment_id>/",
        views.case_attachment,
        name="attachment",
    ),
    path(
        "cases/<int:concern_id>/entries/<int:entry_id>/outcome/",
        views.case_referral_outcome,
        name="case_referral_outcome",
    ),
    path("cases/<int:concern_id>/related/", views.case_related_add, name="case_related_add"),
    # Triage: a case's categories and assignee; governor counts
    path("cases/<int:concern_id>/categories/", views.case_categories, name="case_categories"),
    path("cases/<int:concern_id>/assign/", views.case_assign, name="case_assign"),
    path("reports/", views.reports, name="reports"),
    path("reports/counts.csv", views.reports_csv, name="reports_csv"),
]
