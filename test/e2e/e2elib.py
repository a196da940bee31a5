"""Helpers shared by the e2e steps: check bookkeeping, waits, free ports.

Every check appends one line to the results file named by E2E_RESULTS
(`PASS|FAIL <tab> name <tab> seconds`); run.sh counts them for the summary.

Command line (used by run.sh):
  e2elib.py free-ports N            print N free TCP ports on 127.0.0.1
  e2elib.py wait-http URL SECONDS [PID]
                                    poll URL until it answers (any HTTP status);
                                    give up after SECONDS or when PID exits
  e2elib.py wait-log FILE REGEX SECONDS PID
                                    poll FILE until a line matches REGEX (prints
                                    it); give up after SECONDS or when PID exits
"""
import http.client
import os
import re
import socket
import sys
import time
import urllib.parse

LOCALHOST = "127.0.0.1"


def record(name, ok, seconds, detail=""):
    """Print one check's outcome and append it to the results file."""
    status = "PASS" if ok else "FAIL"
    print(f"{status} {name} ({seconds:.2f}s)", flush=True)
    if detail:
        for line in str(detail).splitlines():
            print(f"     {line}", flush=True)
    path = os.environ.get("E2E_RESULTS")
    if path:
        with open(path, "a", encoding="utf-8") as results:
            results.write(f"{status}\t{name}\t{seconds:.2f}\n")
    return ok


class CheckFailed(Exception):
    """A check's expectation was not met; the message says what was seen."""


def run_check(name, func, *args):
    """Run func(*args); it raises CheckFailed (or anything) to fail the check.

    What func returns (a string or None) is printed under the PASS line.
    """
    start = time.monotonic()
    try:
        info = func(*args)
    except CheckFailed as exc:
        return record(name, False, time.monotonic() - start, str(exc))
    except Exception as exc:  # an unexpected error fails the check, not the run
        return record(name, False, time.monotonic() - start, f"{type(exc).__name__}: {exc}")
    return record(name, True, time.monotonic() - start, info or "")


def expect(condition, message):
    if not condition:
        raise CheckFailed(message)


def free_ports(count):
    """Ports the kernel hands out now; bound together so they differ."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind((LOCALHOST, 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def pid_alive(pid):
    """True while the process exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False


def wait_http(url, timeout, pid=None):
    parts = urllib.parse.urlsplit(url)
    if parts.hostname != LOCALHOST:
        raise SystemExit(f"refusing to poll {url}: only {LOCALHOST} is allowed")
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        if pid is not None and not pid_alive(pid):
            raise SystemExit(f"process {pid} exited before {url} answered")
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
        try:
            conn.request("GET", parts.path or "/", headers={"Host": LOCALHOST})
            status = conn.getresponse().status
            print(f"{url} answered {status}")
            return
        except OSError as exc:
            last_error = exc
        finally:
            conn.close()
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {timeout}s (last error: {last_error})")


def wait_log(path, pattern, timeout, pid):
    regex = re.compile(pattern)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                for line in handle:
                    if regex.search(line):
                        print(line.rstrip())
                        return
        except FileNotFoundError:
            pass
        if not pid_alive(pid):
            raise SystemExit(f"process {pid} exited before {path} showed /{pattern}/")
        time.sleep(0.2)
    raise SystemExit(f"{path} did not show /{pattern}/ within {timeout}s")


def main(argv):
    if len(argv) >= 2 and argv[0] == "free-ports":
        print(" ".join(str(port) for port in free_ports(int(argv[1]))))
    elif len(argv) in (3, 4) and argv[0] == "wait-http":
        wait_http(argv[1], float(argv[2]), int(argv[3]) if len(argv) == 4 else None)
    elif len(argv) == 5 and argv[0] == "wait-log":
        wait_log(argv[1], argv[2], float(argv[3]), int(argv[4]))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
