from django.utils.cache import add_never_cache_headers

from . import request_context


class RequestContextMiddleware:
    """Gives each request an id (shown on error pages) and records IP and user agent."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        ctx = request_context.RequestContext(
            request_id=request_context.new_request_id(),
            ip=request_context.client_ip(request.META),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:500],
        )
        request.request_id = ctx.request_id
        request.client_ip = ctx.ip
        token = request_context.set_current(ctx)
        try:
            response = self.get_response(request)
        finally:
            request_context.reset(token)
        response["X-Request-ID"] = ctx.request_id
        return response


class NoStoreMiddleware:
    """Pages for signed-in users may hold personal data: browsers and proxies keep none."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)  # includes no-store and private
        return response
