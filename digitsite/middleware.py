"""Response headers that Django's own middleware does not set: the Content-Security-Policy
and a Permissions-Policy. The pages load nothing from other hosts and have no inline
scripts or styles, so the policy can be strict; data: images are the 28x28 previews."""

from django.conf import settings


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response
