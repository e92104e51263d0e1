"""Settings per environment: base (shared), dev, test, production. Everything is read from the
environment so that one build runs anywhere (12-factor)."""
