"""Helpers the tests and the benchmarks share: HTTP clients and servers (web), taking the survey (survey), and
gunicorn under load (load). Benchmarks import them from here; nothing here imports a benchmark."""
