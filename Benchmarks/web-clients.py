#!/usr/bin/env python3
"""16 concurrent browser-like clients tick items through the web page on loopback.

usage: web-clients.py BASE_URL CLIENTS REQUESTS_PER_CLIENT ITEMS_FILE
Each client signs in as p03 (its own session), reads its CSRF token, then alternately ticks
and unticks items of its own community (c0001…). A tick is what a browser does: the POST,
then the GET of the page its 303 redirect names (the reloaded item list). Prints ticks/s and
the latency distribution of that pair; exits 1 if any request failed.
"""
import http.client, re, sys, threading, time, urllib.parse

base, clients, per_client, items_file = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
items = open(items_file).read().split()
host = urllib.parse.urlparse(base)
latencies, failures, lock = [], [], threading.Lock()

def client(index):
    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
    cookies = {}
    def request(method, path, fields=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            cookies[name] = rest.split(";")[0]
        return response.status, text, response.headers.get("Location")
    _, page, _ = request("GET", "/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    status, _, _ = request("POST", "/login", {"csrf": token, "person": "p03", "password": "bench-password"})
    assert status == 303, status
    community = f"c{index + 1:04d}"
    _, page, _ = request("GET", f"/items?unit={community}")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    for n in range(per_client):
        item = items[n % len(items)]
        action = "/items/tick" if (n // len(items)) % 2 == 0 else "/items/untick"
        start = time.perf_counter()
        status, _, location = request("POST", action, {"csrf": csrf, "unit": community, "item": item})
        reloaded = None
        if status == 303 and location:
            # The browser follows the redirect (without the #fragment) and shows the list again.
            reloaded, page, _ = request("GET", location.split("#")[0])
        elapsed = time.perf_counter() - start
        with lock:
            latencies.append(elapsed)
            if status != 303 or reloaded != 200 or f'id="item-{item}"' not in page:
                failures.append((community, item, status, reloaded))

threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
start = time.perf_counter()
for t in threads: t.start()
for t in threads: t.join()
total = time.perf_counter() - start
latencies.sort()
def pct(p): return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000
print(f"clients: {clients}, ticks (POST + redirected GET): {len(latencies)} in {total:.2f} s = {len(latencies) / total:.0f} ticks/s")
print(f"latency ms: p50 {pct(0.50):.1f}, p90 {pct(0.90):.1f}, p99 {pct(0.99):.1f}, max {latencies[-1] * 1000:.1f}")
print(f"failed requests: {len(failures)}")
sys.exit(1 if failures else 0)
