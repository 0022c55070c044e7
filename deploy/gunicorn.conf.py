"""gunicorn settings for the web: `gunicorn --config=deploy/gunicorn.conf.py alignment_site.wsgi`.

3 processes of 4 threads (gthread) with keep-alive, chosen by measurement (issue #21):
`bench/load.py --seconds 30 --repeats 3 --compare sync:3,sync:5,gthread:5x2,gthread:3x4
--rate 0,160` — 50 respondents each completing whole questionnaires (start, 4 steps of one
page and one batch save each, review, submit, thanks) plus 5 owners, the models interleaved.
Medians of three 30 s runs on the 2-core machine:

    model        unpaced: done/s  req/s | 160 req/s offered: done/s  req/s  batch p95  p99
    sync 3                1.7     20.2  |                    1.7    29.9   2400 ms  4000 ms
    sync 5                1.7     28.0  |                    5.0    59.0   1200 ms  1900 ms
    gthread 5x2           1.5     24.5  |                    6.4    76.3   1600 ms  2200 ms
    gthread 3x4           2.3     29.6  |                    8.4   100.9    950 ms  1300 ms

Other sessions kept both cores busy throughout (1-minute load average 5 to 23, recorded
beside each run), so these medians measure the competition as much as gunicorn. In the
quietest round (load 5-9) the figures were: unpaced 9.8 / 13.9 / 6.9 / 8.0 questionnaires/s
and, at 160 req/s offered, 9.2 / 11.7 / 8.4 / 11.9 questionnaires/s with a batch p95 of
590 / 500 / 1100 / 460 ms (same order). The server's CPU per questionnaire was the same for
every model within the noise (about 145-185 ms: gunicorn, redis and the PostgreSQL backends),
so the choice is about queueing, not cost. gthread 3x4 led the medians in both modes, tied
sync 5 in the quiet round with the lowest p95, and beat the former 5x2 everywhere. Threads
also suit this deployment: nginx keeps connections to gunicorn alive (upstream keepalive) and
does not buffer replies, so a slow reader of a streamed export or a PDF holds one thread,
not a whole process. Three processes need fewer database connections and less memory than
five. Re-run the command on a quiet machine before trusting small differences.

Each thread holds its own database connection: size PostgreSQL's max_connections for
machines x workers x threads, plus the Celery workers. GUNICORN_WORKER_CLASS,
WEB_CONCURRENCY and GUNICORN_THREADS override the model.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# WEB_CONCURRENCY is the usual knob; about cores + 1 processes per machine with 4 threads each.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
keepalive = 5  # seconds an idle connection from the load balancer stays open
timeout = 60
accesslog = "-"
