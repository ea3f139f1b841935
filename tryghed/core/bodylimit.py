"""Limits on the size of a request's body, enforced before anything reads it.

Django limits the form fields it keeps in memory, not the files: a file sent to a form, even
in a field that takes none, is read to its end and kept in a temporary file, however large.
And the CSRF check reads a form's body before the view runs. A view marked with
`body_at_most` is refused, by the `refuse` view it names, before that: the middleware runs
ahead of the CSRF check.
"""

from functools import wraps


def body_at_most(limit, refuse):
    """Mark a view: a POST body over `limit` bytes is answered by `refuse(request, limit)`."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            return view(request, *args, **kwargs)

        # Django's own decorators copy a view's attributes to their wrappers, so this one
        # may sit anywhere among them.
        wrapper.body_limit = (limit, refuse)
        return wrapper

    return decorate


class BodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        marked = getattr(view_func, "body_limit", None)
        if marked is None or request.method != "POST":
            return None
        limit, refuse = marked
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        return refuse(request, limit) if length > limit else None
