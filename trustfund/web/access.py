"""A unit's page on the owners' site: its access code, checked, and wrong codes rate-limited.

``trustfund codes`` gives each unit a random code and records only its hash (``tf-access``,
:func:`reports.publication.verify_code`). The unit page answers only with the right code; a
client that sends :data:`CLIENT_LIMIT` wrong codes within :data:`WINDOW` seconds, or a unit that
receives :data:`UNIT_LIMIT` wrong codes (from anyone) within it, is refused for the rest of the
window: with 49.5 bits of code that leaves guessing hopeless, and it keeps the slow hash from
being used to load the server. Clients are told apart by the address the server sees (behind a
reverse proxy, give each client its own address, e.g. with the proxy's own rate limiting).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass

from reports.publication import access_digest, normalise_code, verify_code

WINDOW = 15 * 60  # seconds
CLIENT_LIMIT = 10
UNIT_LIMIT = 30
HOW_TO_GET_A_CODE = (
    "访问码印在业委会发放的通知单上；遗失可向业委会申请重新生成（trustfund codes --rotate）。"
    " / The access code is on the slip the committee handed out; ask the committee for a new "
    "one if it is lost."
)


class AccessDenied(Exception):
    """No, or a wrong, code for the unit (status 403), or too many tries (status 429)."""

    def __init__(self, message: str, status: int = 403) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass
class _Window:
    times: deque[float]


class Limiter:
    """Failed tries per client and per unit, in a sliding window (thread-safe)."""

    def __init__(
        self, window: float = WINDOW, client_limit: int = CLIENT_LIMIT, unit_limit: int = UNIT_LIMIT
    ) -> None:
        self.window = window
        self.client_limit = client_limit
        self.unit_limit = unit_limit
        self._clients: OrderedDict[str, deque[float]] = OrderedDict()
        self._units: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()
        self._verified: OrderedDict[tuple[str, str, str], bool] = OrderedDict()

    def _recent(self, table: OrderedDict[str, deque[float]], key: str, now: float) -> deque[float]:
        times = table.get(key)
        if times is None:
            times = table[key] = deque()
            if len(table) > 100_000:
                table.popitem(last=False)
        while times and now - times[0] > self.window:
            times.popleft()
        return times

    def check(self, client: str, room: str) -> None:
        """Raise :class:`AccessDenied` (429) when the client or the unit is over its limit."""
        now = time.monotonic()
        with self._lock:
            if len(self._recent(self._clients, client, now)) >= self.client_limit:
                raise AccessDenied(
                    "尝试次数过多，请稍后再试 / too many wrong codes from this device: try again "
                    f"in {int(self.window // 60)} minutes",
                    429,
                )
            if len(self._recent(self._units, room, now)) >= self.unit_limit:
                raise AccessDenied(
                    "该房号近期错误尝试过多，请稍后再试 / too many wrong codes for this unit: try "
                    f"again in {int(self.window // 60)} minutes",
                    429,
                )

    def failed(self, client: str, room: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._recent(self._clients, client, now).append(now)
            self._recent(self._units, room, now).append(now)

    def verify(self, client: str, room: str, code: str, digest: str | None) -> None:
        """Pass silently with the right code; raise :class:`AccessDenied` otherwise."""
        normal = normalise_code(code)
        if not normal:
            raise AccessDenied("请输入访问码 enter the unit's access code. " + HOW_TO_GET_A_CODE)
        key = (room, digest or "", normal)
        with self._lock:
            if self._verified.get(key):
                self._verified.move_to_end(key)
                return
        self.check(client, room)
        if digest is None or not verify_code(normal, digest):
            self.failed(client, room)
            raise AccessDenied("房号或访问码不正确 / wrong unit or code. " + HOW_TO_GET_A_CODE)
        with self._lock:
            self._verified[key] = True
            if len(self._verified) > 10_000:
                self._verified.popitem(last=False)

    def reset(self) -> None:
        with self._lock:
            self._clients.clear()
            self._units.clear()
            self._verified.clear()


#: The limiter of this process (it outlives each regeneration of the publication).
LIMITER = Limiter()


def check_access(community: object, room: str, code: str, client: str) -> None:
    """The unit page's gate: the right code for ``room`` (see :class:`Limiter`)."""
    digest = access_digest(community, room) if room else None  # type: ignore[arg-type]
    LIMITER.verify(client or "?", room, code, digest)
