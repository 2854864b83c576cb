from django.urls import path

from schools import sso_views

from . import (
    certificate_views,
    evidence_views,
    gains_views,
    oneroster_views,
    parents_views,
    plan_views,
    progress_views,
    signin_views,
    teach_views,
    trust_views,
    views,
    wonde_views,
)

app_name = "teacher_portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("classes/<int:pk>/", views.class_detail, name="class_detail"),
    path("classes/<int:pk>/login-cards/", views.login_cards, name="login_cards"),
    path(
        "classes/<int:pk>/certificates/<int:module_pk>/",
        certificate_views.class_certificates,
        name="class_certificates",
    ),
    path(
        "classes/<int:pk>/login-cards/new-passwords/",
        views.login_cards_new_passwords,
        name="login_cards_new_passwords",
    ),
    path("classes/<int:pk>/login-cards/qr/", signin_views.login_cards_qr, name="login_cards_qr"),
    # Work set for a class, and how it is going
    path("classes/<int:pk>/work/add/", progress_views.assignment_add, name="assignment_add"),
    path(
        "classes/<int:pk>/work/<int:assignment_pk>/",
        progress_views.progress,
        name="progress",
    ),
    path(
        "classes/<int:pk>/work/<int:assignment_pk>/edit/",
        progress_views.assignment_edit,
        name="assignment_edit",
    ),
    path(
        "classes/<int:pk>/work/<int:assignment_pk>/withdraw/",
        progress_views.assignment_withdraw_view,
        name="assignment_withdraw",
    ),
    path(
        "classes/<int:pk>/work/<int:assignment_pk>/pupils/<int:pupil_pk>/",
        progress_views.pupil_progress,
        name="pupil_progress",
    ),
    path(
        "classes/<int:pk>/work/<int:assignment_pk>/charts/",
        progress_views.progress_charts,
        name="progress_charts",
    ),
    path(
        "classes/<int:pk>/work/<int:assignment_pk>/<str:what>.<str:fmt>",
        progress_views.progress_export,
        name="progress_export",
    ),
    path("classes/<int:pk>/gains/", gains_views.class_gains, name="class_gains"),
    path("classes/<int:pk>/gains.csv", gains_views.class_gains_export, name="class_gains_export"),
    path(
        "classes/<int:pk>/work/<int:assignment_pk>/parents/",
        parents_views.parents_share,
        name="parents_share",
    ),
    # Teach mode: a lesson presented to the class on the board
    path("teach/lessons/<int:lesson_pk>/", teach_views.teach_choose, name="teach_choose"),
    path("classes/<int:pk>/teach/<int:lesson_pk>/", teach_views.teach, name="teach"),
    path(
        "classes/<int:pk>/teach/<int:lesson_pk>/who-was-here/",
        teach_views.teach_attendance,
        name="teach_attendance",
    ),
    path("overdue/", progress_views.overdue, name="overdue"),
    # Lesson plans: any school staff (lessons/plans.py, teacher_portal/plan_views.py)
    path("plans/", plan_views.plans_index, name="plans"),
    path("plans/lessons/<int:pk>/", plan_views.lesson_plan_view, name="lesson_plan"),
    path("plans/lessons/<int:pk>/pdf/", plan_views.lesson_plan_pdf, name="lesson_plan_pdf"),
    path("plans/modules/<int:pk>/", plan_views.module_plans_view, name="module_plans"),
    path("plans/modules/<int:pk>/pdf/", plan_views.module_plans_pdf, name="module_plans_pdf"),
    path("pupils/<int:pk>/", views.pupil_detail, name="pupil_detail"),
    path("pupils/<int:pk>/reset-login/", views.pupil_reset_login, name="pupil_reset_login"),
    path("pupils/<int:pk>/unlock/", signin_views.pupil_unlock, name="pupil_unlock"),
    # School admins: the whole school
    path("school/overview/", progress_views.school_overview_view, name="school_overview"),
    path("school/gains/", gains_views.school_gains, name="school_gains"),
    path("school/gains.csv", gains_views.school_gains_export, name="school_gains_export"),
    # Inspection and governor evidence: school admins, DSLs and deputies
    path("evidence/", evidence_views.evidence, name="evidence"),
    path("evidence/pdf/", evidence_views.evidence_pdf, name="evidence_pdf"),
    path("evidence/reviews/add/", evidence_views.review_add, name="evidence_review_add"),
    path("school/classes/", views.school_classes, name="school_classes"),
    path("school/classes/add/", views.class_add, name="class_add"),
    path("school/classes/<int:pk>/edit/", views.class_edit, name="class_edit"),
    path("school/classes/<int:pk>/archive/", views.class_archive, name="class_archive"),
    path("school/classes/<int:pk>/restore/", views.class_restore, name="class_restore"),
    path("school/pupils/", views.school_pupils, name="school_pupils"),
    path("school/pupils/add/", views.pupil_add, name="pupil_add"),
    path("school/pupils/<int:pk>/edit/", views.pupil_edit, name="pupil_edit"),
    path("school/pupils/<int:pk>/move/", views.pupil_move_view, name="pupil_move"),
    path("school/pupils/<int:pk>/archive/", views.pupil_archive_view, name="pupil_archive"),
    path("school/import/", views.roster_upload, name="roster_upload"),
    path("school/import/confirm/", views.roster_confirm, name="roster_confirm"),
    path("school/import/example.csv", views.roster_template, name="roster_template"),
    path("school/oneroster/", oneroster_views.oneroster_upload, name="oneroster_upload"),
    path("school/oneroster/check/", oneroster_views.oneroster_preview, name="oneroster_preview"),
    path("school/oneroster/apply/", oneroster_views.oneroster_apply, name="oneroster_apply"),
    path("school/wonde/", wonde_views.wonde_home, name="wonde_home"),
    path("school/wonde/status/", wonde_views.wonde_status, name="wonde_status"),
    path("school/wonde/sync/", wonde_views.wonde_sync_now, name="wonde_sync_now"),
    path("school/wonde/check/<int:pk>/", wonde_views.wonde_preview, name="wonde_preview"),
    path("school/wonde/apply/", wonde_views.wonde_apply, name="wonde_apply"),
    path("school/wonde/disconnect/", wonde_views.wonde_disconnect, name="wonde_disconnect"),
    path("school/staff/", views.staff_list, name="staff_list"),
    path("school/staff/add/", views.staff_add, name="staff_add"),
    path("school/staff/<int:user_pk>/", views.staff_edit, name="staff_edit"),
    path("school/staff/<int:user_pk>/remove/", views.staff_remove, name="staff_remove"),
    path("school/api-tokens/", views.api_tokens, name="api_tokens"),
    path("school/pupil-sign-in/", signin_views.sign_in_settings, name="sign_in_settings"),
    path(
        "school/api-tokens/<int:pk>/revoke/",
        views.api_token_revoke_view,
        name="api_token_revoke",
    ),
    path("school/single-sign-on/", sso_views.sso_links, name="sso_links"),
    # A trust's central team: figures across the trust's schools
    path("trust/", trust_views.trust_home, name="trust_home"),
    path("trust/<int:pk>/", trust_views.trust_overview_view, name="trust_overview"),
    path("trust/<int:pk>/work/add/", trust_views.trust_assign, name="trust_assign"),
]
