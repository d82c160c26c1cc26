from django.urls import path, register_converter

from . import views


class TokenConverter:
    """A registration token as new_token() makes them (URL-safe base64): anything else is a
    404 before any query."""

    regex = r"[A-Za-z0-9_-]{16,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(TokenConverter, "token")

app_name = "onboarding"

urlpatterns = [
    path("", views.session_list, name="list"),
    path("<int:pk>/", views.session_detail, name="detail"),
    path("<int:pk>/check-email/", views.check_email, name="check_email"),
    path("<int:pk>/session.ics", views.session_calendar, name="ics"),
    path("r/<token:token>/", views.registration_page, name="registration"),
    path("r/<token:token>/confirm/", views.registration_confirm, name="registration_confirm"),
    path("r/<token:token>/cancel/", views.registration_cancel, name="registration_cancel"),
    path("r/<token:token>/session.ics", views.registration_calendar, name="registration_ics"),
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
