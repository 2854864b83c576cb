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
    # Triage: a case's categories and assignee; governor counts
    path("cases/<int:concern_id>/categories/", views.case_categories, name="case_categories"),
    path("cases/<int:concern_id>/assign/", views.case_assign, name="case_assign"),
    path("reports/", views.reports, name="reports"),
    path("reports/counts.csv", views.reports_csv, name="reports_csv"),
]
