from django.contrib.auth.middleware import LoginRequiredMiddleware


class PagesLoginRequired(LoginRequiredMiddleware):
    """Every page needs a signed-in person; the JSON API answers 401 JSON itself instead of a redirect."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
