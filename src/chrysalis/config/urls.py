from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from chrysalis.config.api import api
from chrysalis.web import views as web_views

urlpatterns = [
    path(
        "signin/",
        login_not_required(
            auth_views.LoginView.as_view(template_name="web/login.html", redirect_authenticated_user=True)
        ),
        name="login",
    ),
    path("signout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", web_views.healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("people/suggestions/", include("chrysalis.connections.urls")),
    path("people/<str:username>/impact/", include("chrysalis.impact.urls")),
    path("people/", include("chrysalis.people.urls")),
    path("spaces/", include("chrysalis.spaces.urls")),
    path("posts/", include("chrysalis.posts.urls")),
    path("search/", include("chrysalis.search.urls")),
    path("notifications/", include("chrysalis.notifications.urls")),
    path("qa/", include("chrysalis.qa.urls")),
    path("experts/", include("chrysalis.experts.urls")),
    path("insights/", include("chrysalis.insights.urls")),
    path("ops/", include("chrysalis.ops.urls")),
    path("", include("chrysalis.feed.urls")),
]

handler403 = "chrysalis.web.views.forbidden"
handler404 = "chrysalis.web.views.not_found"
