"""gunicorn settings for the web: `gunicorn --config=deploy/gunicorn.conf.py alignment_site.wsgi`.

Threaded workers with keep-alive. A sync worker closes the connection after every reply and
then waits for the client to close its side, and it sits idle while PostgreSQL answers; with
two threads a process serves one request while the other waits on the database. The load
figures before and after are in docs/production.md ("Load"). Each thread holds its own
database connection: size PostgreSQL's max_connections for machines x workers x threads, plus
the Celery workers.
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
