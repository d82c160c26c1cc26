from django.urls import path

from . import views

app_name = "network"

# Under /network/ (members owns /network/policy/, the network baseline).
urlpatterns = [
    path("health/", views.health_page, name="health"),
    path("health.csv", views.health_csv, name="health_csv"),
    path("inactive/<int:pk>/", views.review_inactive, name="review_inactive"),
    path("revive/<slug:slug>/", views.revive, name="revive"),
    path("help/", views.help_list, name="help"),
    path("help/volunteer/", views.volunteer, name="volunteer"),
    path("help/new/<slug:slug>/", views.help_new, name="help_new"),
    path("help/<int:pk>/", views.help_detail, name="help_detail"),
    path("help/<int:pk>/offer/", views.help_offer, name="help_offer"),
    path("help/<int:pk>/offers/<int:offer_pk>/accept/", views.help_accept, name="help_accept"),
    path("help/<int:pk>/close/", views.help_close, name="help_close"),
    path("help/<int:pk>/thread/<int:offer_pk>/", views.help_thread, name="help_thread"),
    path("library/", views.library, name="library"),
    path("library/share/", views.library_share, name="library_share"),
    path("library/<int:pk>/remove/", views.library_remove, name="library_remove"),
    path("library/<int:pk>/file/", views.library_file, name="library_file"),
    path("library/training/<int:pk>/file/", views.training_file, name="training_file"),
]
