"""The scale bench over HTTP: gunicorn with two workers on 127.0.0.1, signed-in sessions (password and second
factor), p50/p95 per page, the review of a big claim and the soak (bench/bench_scale.py runs them)."""
from __future__ import annotations

import math
import os
import re
import signal
import statistics
import subprocess
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PORT = int(os.environ.get("BENCH_PORT", "5013"))
DEMO_PASSWORD = "cofund-demo-2026"  # nosec B105  # the published demo password (app/demo.py)


class Server:
    """gunicorn, 2 sync workers, on 127.0.0.1; its log (errors with their tracebacks) in ``log``."""

    def __init__(self, env: dict, log: Path):
        self.env, self.log = env, log

    def __enter__(self):
        import socket
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", PORT)) == 0:
                raise RuntimeError(f"port {PORT} is taken (BENCH_PORT chooses another)")
        self.proc = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "-w", "2", "-b", f"127.0.0.1:{PORT}", "--timeout", "120", "wsgi:app"],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=self.log.open("a"), start_new_session=True)
        import requests
        for _ in range(200):
            try:
                requests.get(f"http://127.0.0.1:{PORT}/login", timeout=30)
                return self
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError("gunicorn did not start")

    def workers(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout
        return sorted(int(p) for p in out.split())

    @staticmethod
    def rss_mb(pid: int) -> float:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def __exit__(self, *exc):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def csrf(html: str) -> str:
    return (re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
            or re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)).group(1)


_USED_STEPS: dict[str, int] = {}


def totp_code(user: str) -> str:
    """A code of the demo's second factor for a 30-second step this user has not used yet (the server refuses a
    step twice); waits for the next step when both the current and the next are used."""
    from app.demo import DEMO_TOTP_SECRET
    from app.services.two_factor import totp
    while True:
        now = time.time()
        for step in (int(now // 30), int(now // 30) + 1):
            if step > _USED_STEPS.get(user, -1):
                _USED_STEPS[user] = step
                return totp(DEMO_TOTP_SECRET).at(step * 30)
        time.sleep(30 - now % 30 + 0.05)


def session_for(user: str):
    """Sign in over HTTP as a browser would: the password, then the second factor where the user has one."""
    import requests
    s = requests.Session()
    base = f"http://127.0.0.1:{PORT}"
    r = s.post(f"{base}/login", data={"email": user, "password": DEMO_PASSWORD,
                                      "csrf_token": csrf(s.get(f"{base}/login").text)}, allow_redirects=False)
    if r.status_code == 302 and r.headers["Location"].endswith("/login/second-factor"):
        r = s.post(f"{base}/login/second-factor", allow_redirects=False, data={
            "code": totp_code(user), "csrf_token": csrf(s.get(f"{base}/login/second-factor").text)})
    assert r.status_code == 302, (user, r.status_code)
    return s


def over_http(page_list, requests_per_page: int) -> dict:
    sessions, results = {}, {}
    for label, user, path in page_list:
        s = sessions.get(user) or sessions.setdefault(user, session_for(user))
        s.get(f"http://127.0.0.1:{PORT}{path}")  # warm both workers' caches a little
        times, size = [], 0
        for _ in range(requests_per_page):
            t0 = time.perf_counter()
            r = s.get(f"http://127.0.0.1:{PORT}{path}")
            times.append((time.perf_counter() - t0) * 1000)
            size = len(r.content)
            assert r.status_code == 200, (label, path, r.status_code, r.text[-800:])
        times.sort()
        results[label] = {"p50": statistics.median(times), "p95": times[math.ceil(len(times) * 0.95) - 1],
                          "kb": size / 1024}
    return results


def review_big_claim(claim_id: int) -> dict:
    """A finance officer pages through the 5,000-line claim and verifies one page's selection in one request."""
    s = session_for("finance@example.org")
    base = f"http://127.0.0.1:{PORT}/projects/LES/claims/{claim_id}"
    t0 = time.perf_counter()
    url, pages_seen, html = base, 0, ""
    while url and pages_seen < 200:
        html = s.get(url).text
        pages_seen += 1
        nxt = re.search(r'<a href="([^"]+)"[^>]*rel="next"', html)
        url = f"http://127.0.0.1:{PORT}" + nxt.group(1).replace("&amp;", "&") if nxt else None
    paging = time.perf_counter() - t0
    html = s.get(base + "?status=pending").text
    ids = re.findall(r'name="line_ids" value="(\d+)"', html)
    token = csrf(html)
    t0 = time.perf_counter()
    r = s.post(base + "/lines/verify", data={"csrf_token": token, "line_ids": ids, "status": "pending"},
               allow_redirects=False)
    verify = time.perf_counter() - t0
    assert r.status_code == 302
    flash = s.get(r.headers["Location"] if r.headers["Location"].startswith("http")
                  else f"http://127.0.0.1:{PORT}{r.headers['Location']}").text
    ok = "zonder aftrek" in flash or "without deduction" in flash
    return {"pages": pages_seen, "paging_s": paging, "selected": len(ids), "verify_s": verify, "verified": ok}


def soak(page_list, total: int, server: Server) -> dict:
    before = server.workers()
    users = {u for _l, u, _p in page_list}
    sessions = {u: session_for(u) for u in users}
    errors, done = [], [0]
    lock = threading.Lock()

    def client(k):
        for i in range(k, total, 4):
            label, user, path = page_list[i % len(page_list)]
            r = sessions[user].get(f"http://127.0.0.1:{PORT}{path}", timeout=60)
            with lock:
                done[0] += 1
                if r.status_code != 200:
                    errors.append(f"{label}: {r.status_code}")

    threads = [threading.Thread(target=client, args=(k,)) for k in range(4)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    after = server.workers()
    return {"requests": done[0], "errors": errors, "seconds": time.perf_counter() - t0,
            "same_workers": before == after and len(after) == 2,
            "rss_mb": [round(server.rss_mb(p), 1) for p in after]}
