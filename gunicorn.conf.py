"""gunicorn's configuration for production (read from the working directory, or ``-c``).

Django's request handling is CPU-bound Python under the GIL, so one worker process per core
does the work and a few threads per worker overlap the waits on PostgreSQL and Redis (the load
benchmark's 200 candidates on 2 cores: 2 workers x 4 threads, benchmarks/README.md). Each thread
keeps its own database connection (``CONN_MAX_AGE``, checked before reuse) unless
``DATABASE_POOL_SIZE`` gives each worker a pool. Every value can be overridden by the
environment (``GUNICORN_*``, ``WEB_CONCURRENCY``) or the command line.
"""

from __future__ import annotations

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", str(multiprocessing.cpu_count())))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Behind a proxy that keeps connections open: reuse them rather than a handshake per request.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "30"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# A worker is replaced after this many requests (memory a long-lived process accumulates);
# the jitter keeps the workers from all restarting at the same moment.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
backlog = 2048
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None  # off: the proxy logs requests
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
