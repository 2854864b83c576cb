from django.urls import path

from . import say_or_draw, views

app_name = "quizzes"
urlpatterns = [
    # Pupils
    path("<int:pk>/", views.quiz_detail, name="detail"),
    path("<int:pk>/start/", views.attempt_start, name="start"),
    path("attempts/<int:attempt_pk>/questions/<int:number>/", views.question, name="question"),
    path("attempts/<int:attempt_pk>/finish/", views.finish, name="finish"),
    path("attempts/<int:attempt_pk>/result/", views.result, name="result"),
    path("drawings/<int:pk>/", say_or_draw.drawing_view, name="reflection_drawing"),
    # Teachers
    path("classes/<int:group_pk>/", views.class_quizzes, name="class_quizzes"),
    path("classes/<int:group_pk>/knowledge-map/", views.knowledge_map, name="knowledge_map"),
    path("<int:pk>/classes/<int:group_pk>/analysis/", views.quiz_analysis, name="analysis"),
]
