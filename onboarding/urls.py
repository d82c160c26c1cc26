from django.urls import path

from . import views

app_name = "onboarding"

urlpatterns = [
    path("", views.session_list, name="list"),
    path("<int:pk>/", views.session_detail, name="detail"),
    path("<int:pk>/check-email/", views.check_email, name="check_email"),
    path("<int:pk>/session.ics", views.session_calendar, name="ics"),
    path("r/<str:token>/", views.registration_page, name="registration"),
    path("r/<str:token>/confirm/", views.registration_confirm, name="registration_confirm"),
    path("r/<str:token>/cancel/", views.registration_cancel, name="registration_cancel"),
    path("r/<str:token>/session.ics", views.registration_calendar, name="registration_ics"),
    path("chapter/<slug:slug>/feed.ics", views.chapter_calendar, name="feed"),
    path("chapter/<slug:slug>/flyer/", views.flyer, name="flyer"),
    path("chapter/<slug:slug>/funnel/", views.chapter_funnel, name="funnel"),
    path("chapter/<slug:slug>/manage/", views.manage, name="manage"),
    path("chapter/<slug:slug>/manage/new/", views.session_create, name="create"),
    path("manage/<int:pk>/", views.attendees, name="attendees"),
    path("manage/<int:pk>/edit/", views.session_edit, name="edit"),
    path("manage/<int:pk>/cancel/", views.session_cancel, name="cancel"),
    path("manage/<int:pk>/follow-up/", views.session_follow_up, name="follow_up"),
    path("manage/<int:pk>/check-in/<int:registration_pk>/", views.check_in, name="check_in"),
]
