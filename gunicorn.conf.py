"""gunicorn's settings for Continuum in production: `.venv/bin/gunicorn -c gunicorn.conf.py`.

Threaded workers: a client that sends its request slowly holds one thread, not a whole worker, so a few of them
cannot stall the server. gunicorn still gives every slow client a thread for as long as it takes, so put a
reverse proxy that buffers whole requests in front (nginx does by default) and bind gunicorn to loopback. Any
setting here can be changed on the command line, for example `--bind 127.0.0.1:9000`.
"""
import os

wsgi_app = "app:create_app()"
bind = "127.0.0.1:8000"
# One worker per core. Measured on 2 cores (bench/load.py --postgres --think 0, 200 respondents at once): 2 workers
# answered 212-311 requests a second with 2 to 16 threads each, the differences within one run and the next; 4
# workers answered 228-255, with p95 twice as long. Eight threads are kept: as fast, and room for slow clients.
workers = int(os.environ.get("WEB_CONCURRENCY", 2))
worker_class = "gthread"
threads = 8
# A worker whose main loop is silent this long is restarted; a request may take longer (a PDF takes seconds).
timeout = 60
graceful_timeout = 30
# Idle keep-alive connections from the proxy are closed after this many seconds.
keepalive = 5
