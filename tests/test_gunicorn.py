"""Under gunicorn as production runs it (gunicorn.conf.py: 2 workers of 8 threads): a worker killed with SIGKILL
in the middle of a rush loses no acknowledged submit, leaves none half-written, and the server goes on serving;
clients that send their requests slowly do not stall it. The harness is tests/support/load.py, at a size that runs
in seconds; the benchmark runs it with 200 respondents and prints the figures."""
import socket
import subprocess
import urllib.error
import urllib.request

from tests.support import load
from tests.support.web import Browser


def test_a_killed_worker_loses_no_acknowledged_submit(database):
    url = database("gunicorn")
    people = load.seed(url, 24)
    server = load.Gunicorn("app:create_app()", load.environment(url), workers=2)
    killed: list[str] = []
    try:
        results, _ = load.drive(server.base, people, load.survey, think=0,
                                on_progress=load.killer(server, after=8, log=killed))
        health = Browser(server.base).request("/healthz")[0]
        workers = server.workers()
    finally:
        server.stop()
    assert killed, "the worker was never killed"
    assert not results.errors, results.errors
    held = load.count(url, results.acknowledged)
    assert held["acknowledged"] == len(people)  # every respondent got through, retrying a cut-off request once
    assert held["acknowledged but missing"] == 0
    assert held["submitted but incomplete"] == 0 and held["links that submitted"] == held["submitted"]
    assert held["responses without an invitation"] == 0 and held["responses"] == len(people)
    assert health == 200 and len(workers) == 2


def test_gunicorn_stops_on_the_development_secret_key(database):
    env = {k: v for k, v in load.environment(database("refused")).items()
           if k not in ("FLASK_SECRET_KEY", "FLASK_ENVIRONMENT", "FLASK_TESTING")}
    ended = subprocess.run([str(load.VENV_BIN / "gunicorn"), "--workers", "1", "--bind", "127.0.0.1:0",
                            "app:create_app()"], cwd=load.ROOT, env=env, capture_output=True, text=True,
                           timeout=60)
    assert ended.returncode != 0  # the master stops instead of restarting workers forever
    assert "refuses to start in production with the development SECRET_KEY" in ended.stderr
    assert "Worker failed to boot" in ended.stderr


def still_waiting(sock: socket.socket) -> bool:
    """Whether the server has neither answered nor closed this connection yet."""
    sock.setblocking(False)
    try:
        sock.recv(1)
    except BlockingIOError:
        return True
    return False


def test_clients_sending_their_request_slowly_do_not_stall_the_server(database):
    """Four clients each start a sign-in whose body never finishes arriving; the server goes on answering
    everyone else while they wait."""
    server = load.Gunicorn("app:create_app()", load.environment(database("slow")), workers=2)
    slow = []
    try:
        for _ in range(4):
            sock = socket.create_connection(("127.0.0.1", server.port))
            sock.sendall(b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n"
                         b"Content-Type: application/x-www-form-urlencoded\r\n\r\nemail=")
            slow.append(sock)
        with urllib.request.urlopen(server.base + "/healthz", timeout=20) as answer:
            status = answer.status
        waiting = [still_waiting(sock) for sock in slow]
    finally:
        for sock in slow:
            sock.close()
        server.stop()
    assert status == 200 and all(waiting)


def test_two_app_servers_share_one_rate_limit(database):
    """Two app servers on one database: a link-guessing client switching between them gets the 20 wrong links a
    minute the limit allows in all, not 20 on each (limits are counted in the database, not in each process)."""
    url = database("limits")
    load.seed(url, 1)  # migrates the database as production does
    env = load.environment(url)
    servers = [load.Gunicorn("app:create_app()", env, workers=1) for _ in range(2)]
    answers = []
    try:
        for n in range(30):
            request = urllib.request.Request(f"{servers[n % 2].base}/s/not-a-real-link-{n:02d}",
                                             headers={"Host": "127.0.0.1"})
            try:
                with urllib.request.urlopen(request, timeout=10) as answer:
                    answers.append(answer.status)
            except urllib.error.HTTPError as error:
                answers.append(error.code)
    finally:
        for server in servers:
            server.stop()
    assert answers[:20] == [404] * 20 and answers[20:] == [429] * 10, answers
