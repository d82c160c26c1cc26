from django.urls import path

from . import views

app_name = "cdp"

urlpatterns = [
    path("start-a-chapter/", views.apply, name="apply"),
]
