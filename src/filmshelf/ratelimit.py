"""Token-bucket rate limits per client IP and per API key, like TMDB's ~40-50 requests/s.

Two stores with one interface: `MemoryBuckets` (one process) and `RedisBuckets` (shared by every
instance; the bucket update is one Lua script, so concurrent instances cannot both spend the
last token). If Redis is unreachable the limiter fails open — requests are served and the
failure is logged at most once every 30 seconds — because refusing all traffic when a cache is
down is worse than not limiting for a while.
"""

from __future__ import annotations

import logging
import math
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Protocol

log = logging.getLogger("filmshelf.ratelimit")


@dataclass(frozen=True, slots=True)
class Decision:
    """Whether a request may pass, and if not, after how many seconds it would."""

    allowed: bool
    retry_after: int = 0


class Buckets(Protocol):
    """Where bucket state lives."""

    async def take(self, key: str, *, rate: float, burst: int, now: float) -> Decision:
        """Spend one token from `key`'s bucket."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


def _refill(tokens: float, last: float, *, rate: float, burst: int, now: float) -> float:
    return min(float(burst), tokens + max(0.0, now - last) * rate)


class MemoryBuckets:
    """Buckets in this process only (a single filmshelf process)."""

    def __init__(self, max_keys: int = 100_000) -> None:
        self._state: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._max_keys = max_keys

    async def take(self, key: str, *, rate: float, burst: int, now: float) -> Decision:
        tokens, last = self._state.pop(key, (float(burst), now))
        tokens = _refill(tokens, last, rate=rate, burst=burst, now=now)
        allowed = tokens >= 1.0
        if allowed:
            tokens -= 1.0
        self._state[key] = (tokens, now)
        if len(self._state) > self._max_keys:
            self._state.popitem(last=False)  # forget the least recently seen client
        return Decision(allowed, 0 if allowed else math.ceil((1.0 - tokens) / rate))

    def clear(self) -> None:
        """Forget every bucket (a test double's reset)."""
        self._state.clear()

    async def close(self) -> None:
        self._state.clear()


# KEYS[1] bucket; ARGV rate, burst, now, ttl. Returns {allowed, tokens*1000}.
_LUA = """
local state = redis.call('HMGET', KEYS[1], 't', 'l')
local rate, burst, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local tokens = tonumber(state[1]) or burst
local last = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - last) * rate)
local allowed = 0
if tokens >= 1 then tokens = tokens - 1; allowed = 1 end
redis.call('HSET', KEYS[1], 't', tokens, 'l', now)
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
return {allowed, math.floor(tokens * 1000)}
"""


class RedisBuckets:
    """Buckets in Redis, shared by every filmshelf instance that points at the same Redis."""

    def __init__(self, url: str, *, prefix: str = "filmshelf:rl:") -> None:
        import redis.asyncio as redis_asyncio

        self._client: Any = redis_asyncio.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._script = self._client.register_script(_LUA)
        self._prefix = prefix
        self._last_warning = 0.0

    async def take(self, key: str, *, rate: float, burst: int, now: float) -> Decision:
        ttl = max(2, math.ceil(burst / rate) + 1)
        try:
            allowed, tokens_milli = await self._script(keys=[self._prefix + key], args=[rate, burst, now, ttl])
        except Exception as exc:
            self._warn(exc)
            return Decision(True)
        if allowed:
            return Decision(True)
        tokens = int(tokens_milli) / 1000.0
        return Decision(False, math.ceil((1.0 - tokens) / rate))

    def _warn(self, exc: Exception) -> None:
        moment = time.monotonic()
        if moment - self._last_warning > 30:
            self._last_warning = moment
            log.warning("rate limiter cannot reach Redis, serving without limits: %s", exc)

    async def close(self) -> None:
        await self._client.aclose()


class RateLimiter:
    """The configured limit applied to named keys ("ip:1.2.3.4", "key:<api key>")."""

    def __init__(self, buckets: Buckets, *, rate: float, burst: int) -> None:
        self.buckets = buckets
        self.rate = rate
        self.burst = burst

    async def check(self, key: str, now: float) -> Decision:
        """Spend a token for `key`."""
        return await self.buckets.take(key, rate=self.rate, burst=self.burst, now=now)


def build_limiter(*, rate: int, burst: int, redis_url: str | None) -> RateLimiter | None:
    """The limiter the settings ask for, or None when limiting is off (rate 0)."""
    if rate <= 0:
        return None
    buckets: Buckets = RedisBuckets(redis_url) if redis_url else MemoryBuckets()
    return RateLimiter(buckets, rate=float(rate), burst=max(1, burst))
