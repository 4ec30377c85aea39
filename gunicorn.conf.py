"""gunicorn's settings, read from the working directory by every gunicorn started there (the
image, docker compose's web service, `make bench`'s load). Each can be set through the
environment:

- WEB_CONCURRENCY: worker processes (default 2 × cores + 1);
- GUNICORN_THREADS: threads per worker (default 1: sync workers). Pages spend most of
  their time in Python, where threads of one process take turns: under the bench's load
  two threads a worker gave a better median but twice the p95 of sync workers. Each
  thread keeps its own database connection (CONN_MAX_AGE): the database must accept
  workers × threads connections per machine.
"""

import multiprocessing
import os

workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
threads = int(os.environ.get("GUNICORN_THREADS") or 1)
worker_class = "gthread" if threads > 1 else "sync"
# A worker is replaced after about a thousand requests: memory a request kept is given back.
max_requests = 1000
max_requests_jitter = 100
