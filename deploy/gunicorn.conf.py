"""gunicorn settings for the web: `gunicorn --config=deploy/gunicorn.conf.py alignment_site.wsgi`.

Threaded workers with keep-alive. A sync worker closes the connection after every reply and
then waits for the client to close its side, and it sits idle while PostgreSQL answers; with
two threads a process serves one request while the other waits on the database. Measured with
bench/load.py on 2 cores: at 160 requests/s the answer-save p95 went from 140 ms (5 sync
workers) to 72 ms (5 workers x 2 threads), and the most the machine served went from 180 to
213 requests/s. Each thread holds its own database connection: size PostgreSQL's
max_connections for machines x workers x threads, plus the Celery workers.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# WEB_CONCURRENCY is the usual knob; about 2 x cores + 1 processes per machine.
workers = int(os.environ.get("WEB_CONCURRENCY", "5"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
keepalive = 5  # seconds an idle connection from the load balancer stays open
timeout = 60
accesslog = "-"
