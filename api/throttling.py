"""Rate limits kept in the shared cache (Redis in production), so every process counts."""

import logging

from redis.exceptions import RedisError
from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

logger = logging.getLogger("resonance.security")


class SharedScopedRateThrottle(ScopedRateThrottle):
    """A scoped rate limit that lets requests through while the cache is unreachable.

    Refusing every rebuild because Redis is down would turn an outage of the cache into an
    outage of the API; the limit protects the workers, which need Redis anyway.
    """

    def allow_request(self, request: Request, view: APIView) -> bool:
        try:
            return super().allow_request(request, view)
        except (RedisError, OSError):
            logger.warning("rate limit not checked: the cache is unreachable")
            return True
