from django.urls import path

from . import views

app_name = "lti"

urlpatterns = [
    path("login/", views.oidc_login, name="login"),
    path("launch/", views.launch, name="launch"),
    path("launch/<str:launch_id>/", views.launched, name="launched"),
    path("continue/", views.continue_in_window, name="continue"),
    path("continue/confirm/", views.continue_confirmed, name="continue_confirm"),
    path("deep-link/<str:launch_id>/", views.deep_link, name="deep_link"),
    path("jwks/", views.jwks, name="jwks"),
    path("config/", views.configuration, name="configuration"),
    path("register/<str:token>/", views.dynamic_registration, name="register"),
]
