"""How long a new user waits from `git clone` to the first survey link that `make run` prints.

Clones this repository into a temporary folder, runs `make run` there on a free port with pip's cache turned off
(so every package is downloaded, as on a fresh machine), and stops the clock when the survey link appears; then
checks that the link answers and stops the server. Debian packages already on the machine are not reinstalled,
so on a machine without Chromium add the time `apt-get install chromium` takes there.

    .venv/bin/python bench/first_link.py [REPOSITORY]   # default: this checkout
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from tests.support.web import free_port

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    source = sys.argv[1] if len(sys.argv) > 1 else str(ROOT)
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        began = time.perf_counter()
        subprocess.run(["git", "clone", "--quiet", source, folder], check=True)
        cloned = time.perf_counter() - began
        env = {**os.environ, "PIP_NO_CACHE_DIR": "1"}
        server = subprocess.Popen(["make", "run", f"PORT={port}"], cwd=folder, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True, start_new_session=True)
        link = None
        try:
            for line in server.stdout:
                found = re.search(r"http://\S+/s/[\w-]+", line)
                if found:
                    link = found.group(0)
                    break
            elapsed = time.perf_counter() - began
            if link is None:
                sys.exit(f"make run ended without printing a survey link (exit {server.wait()})")
            deadline = time.monotonic() + 30
            while True:
                try:
                    with urllib.request.urlopen(link, timeout=5) as page:
                        status = page.status
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    print(f"git clone: {cloned:.1f} s")
    print(f"git clone to the first survey link printed by make run: {elapsed:.0f} s (pip cache off)")
    print(f"the link answered HTTP {status}")


if __name__ == "__main__":
    main()
