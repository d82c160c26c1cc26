from django.urls import path

from . import views

app_name = "cdp"

urlpatterns = [
    path("start-a-chapter/", views.apply, name="apply"),
    path("program/", views.program, name="program"),
    path("program/review/", views.review, name="review"),
    path("program/resources/", views.resources, name="resources"),
    path("program/resources/<int:pk>/file/", views.resource_file, name="resource_file"),
    path("program/applications/<int:pk>/", views.detail, name="detail"),
    path("program/applications/<int:pk>/edit/", views.edit, name="edit"),
    path("program/applications/<int:pk>/move/", views.move, name="move"),
    path("program/applications/<int:pk>/coach/", views.assign_coach, name="assign_coach"),
    path("program/applications/<int:pk>/page/", views.page_details, name="page_details"),
    path("program/applications/<int:pk>/launch/", views.launch, name="launch"),
    path("program/applications/<int:pk>/notes/", views.coaching_note, name="coaching_note"),
    path("program/applications/<int:pk>/milestones/<int:milestone_pk>/done/",
         views.milestone_done, name="milestone_done"),
    path("program/applications/<int:pk>/milestones/<int:milestone_pk>/verify/",
         views.milestone_verify, name="milestone_verify"),
]
