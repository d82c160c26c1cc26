from django.urls import path

from . import views

app_name = "outreach"

urlpatterns = [
    path("chapters/<slug:slug>/follow/", views.follow, name="follow"),
    path("follow/<slug:token>/", views.follow_confirm, name="follow_confirm"),
    path("watch/", views.watch, name="watch"),
    path("watch/<slug:token>/", views.watch_confirm, name="watch_confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("chapters/<slug:slug>/announcements/", views.announcement_list, name="announcements"),
    path("chapters/<slug:slug>/announcements/feed/", views.ChapterAnnouncementsFeed(),
         name="feed"),
    path("chapters/<slug:slug>/announcements/<int:pk>/", views.announcement_detail,
         name="announcement"),
    path("chapters/<slug:slug>/announcements/manage/", views.manage, name="manage"),
    path("chapters/<slug:slug>/announcements/new/", views.compose, name="compose"),
    path("network/announcements/new/", views.network_compose, name="network_compose"),
    path("announcements/<int:pk>/", views.draft, name="draft"),
    path("announcements/<int:pk>/send/", views.send, name="send"),
]
