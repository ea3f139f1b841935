from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path

from tryghed.accounts import views

app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        login_not_required(views.LoginView.as_view()),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
