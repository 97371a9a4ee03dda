"""Middleware of the site's own: forwarded headers believed only from the proxy, and the
response headers that Django's own middleware does not set (the Content-Security-Policy
and a Permissions-Policy). The pages load nothing from other hosts and have no inline
scripts or styles, so the policy can be strict; data: images are the 28x28 previews."""

import ipaddress

from django.conf import settings

FORWARDED = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST")


class TrustedProxyMiddleware:
    """X-Forwarded-* headers are dropped unless the request came from a trusted proxy
    (settings.TRUSTED_PROXIES): anyone else could claim any address or scheme with them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not trusted(request.META.get("REMOTE_ADDR", "")):
            for header in FORWARDED:
                request.META.pop(header, None)
        return self.get_response(request)


def trusted(address: str) -> bool:
    """Whether a connection from this address is one of the trusted proxies' (a network each)."""
    if not settings.TRUSTED_PROXIES:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:  # a Unix socket's empty address, or nothing
        return False
    return any(ip in network for network in settings.TRUSTED_PROXIES)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response
