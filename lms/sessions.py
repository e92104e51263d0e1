"""Sessions read from the cache and written through to the database (Django's ``cached_db``),
that keep working while the cache (Redis) is down: every request reads its session, so a
Redis restart must not fail every page. Reading falls back to the database row; writing the
database row is what counts (Django's ``save`` already only logs a failed cache write).
Deleting still fails loudly when the cache cannot be reached: a session left in the cache would
otherwise stay valid after a logout, or after a login replaced it (``cycle_key``), so logging
in and out wait for the cache to be back; a candidate already signed in carries on."""

from __future__ import annotations

import logging

from django.contrib.sessions.backends import cached_db, db

logger = logging.getLogger(__name__)


class SessionStore(cached_db.SessionStore):
    def load(self) -> dict:
        try:
            data = self._cache.get(self.cache_key)
        except Exception:  # noqa: BLE001 - any cache failure: the database row decides
            logger.warning("session cache unavailable; reading the session from the database")
            data = None
        if data is not None:
            return data
        row = self._get_session_from_db()
        if not row:
            return {}
        data = self.decode(row.session_data)
        try:
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=row.expire_date))
        except Exception:  # noqa: BLE001
            logger.warning("session cache unavailable; the session was not cached")
        return data

    def exists(self, session_key: str) -> bool:
        try:
            if session_key and (self.cache_key_prefix + session_key) in self._cache:
                return True
        except Exception:  # noqa: BLE001
            logger.warning("session cache unavailable; asking the database")
        return db.SessionStore.exists(self, session_key)  # the row, not the cache again
