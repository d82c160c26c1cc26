from django.urls import path

from . import views

app_name = "federation"

urlpatterns = [
    path(".well-known/chapter-directory", views.key_document, name="key"),
    path("federation/feed/", views.feed, name="feed"),
    path("federation/peers/", views.peers, name="peers"),
    path("federation/peers/<int:pk>/pause/", views.pause, name="pause"),
    path("federation/peers/<int:pk>/remove/", views.remove, name="remove"),
    path("federation/peers/<int:pk>/sync/", views.sync_now, name="sync"),
]
