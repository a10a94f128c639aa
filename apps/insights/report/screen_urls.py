from django.urls import path

from . import screen

app_name = "screen"

urlpatterns = [
    path("", screen.screen, name="screen"),
    path("data/", screen.screen_data, name="data"),
    # The display token is the only credential of these two: nothing else accepts it.
    path("t/<str:token>/", screen.token_screen, name="token"),
    path("t/<str:token>/data/", screen.token_screen_data, name="token_data"),
    path("tokens/", screen.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", screen.token_revoke, name="token_revoke"),
]
