"""Benchmark: weight and load time of the ten most used pages on a phone, now and before issue 12.

Run (PostgreSQL and Redis required; Debian's Chromium through Playwright):
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_pages.py \
      --baseline /tmp/bench-3a10432 --runs 5
where /tmp/bench-3a10432 is a git worktree of the commit before issue 12's work, with the venv linked:
  git worktree add --detach /tmp/bench-3a10432 3a10432 && ln -s "$PWD/.venv" /tmp/bench-3a10432/.venv

Each tree gets its own database (bench_pages_<tree>, made anew and dropped at the end), its own var/
folder (collected static files), the demo data (seed_demo --persons 40) and a gunicorn on its own
port, as in production (DEBUG off, WhiteNoise serving the static files). Each load is cold (a fresh
browser context, nothing cached) on a phone profile: 375x740, CPU slowed 4x
(Emulation.setCPUThrottlingRate) and DevTools' "Fast 3G" network (562.5 ms latency, 180 kB/s down,
84 kB/s up, Network.emulateNetworkConditions). Loads of the two trees alternate, so load on the
machine falls on both alike. Weight is the bytes transferred (headers included) for the document,
its stylesheets and its scripts; times come from the document's navigation timing.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from conftest import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402 - Debian's Chromium, as the browser tests

PHONE = {"width": 375, "height": 740}
FAST_3G = {"offline": False, "latency": 562.5, "downloadThroughput": 180_000, "uploadThroughput": 84_375}
CPU_SLOWDOWN = 4

# (name, path, who is signed in): the pages most people open, in the order of a visit.
PAGES = [
    ("Home", "/", None),
    ("Sign in", "/cuentas/ingresar/", None),
    ("Sign up (citizen)", "/cuentas/registro/ciudadano/", None),
    ("Verify a document", "/verificar/", None),
    ("My summary", "/mi-cuenta/", "70275722"),
    ("My passport", "/pasaporte/", "70275722"),
    ("My data", "/mis-datos/", "70275722"),
    ("Buzón", "/buzon/", "ana.rodriguez@example.com"),
    ("Control counter", "/control/", "oficial.brena"),
    ("Today's citas", "/pasaporte/sede/", "oficial.brena"),
]

# Run inside each tree (its own code and models): a signed-in session for each demo user, the
# staff past their TOTP step, printed as JSON {username: session key}.
SESSIONS = """
import json
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
out = {}
for name in %r:
    user = get_user_model().objects.get(username=name)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    device = TOTPDevice.objects.filter(user=user).first()
    if device is not None:
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    out[name] = client.cookies["sessionid"].value
print("SESSIONS=" + json.dumps(out))
"""


class Tree:
    """One checkout of the portal served by its own gunicorn on its own database."""

    def __init__(self, name: str, path: Path, port: int, args):
        self.name, self.path, self.port = name, path, port
        self.db = f"bench_pages_{name}"
        self.var = Path(tempfile.mkdtemp(prefix=f"bench-pages-{name}-"))
        base = args.database_url.rsplit("/", 1)[0]
        self.env = dict(os.environ, DATABASE_URL=f"{base}/{self.db}", MIGRACIONES_VAR_DIR=str(self.var),
                        MIGRACIONES_ENV="test", DJANGO_DEBUG="0", CELERY_BROKER_URL=args.broker,
                        CELERY_RESULT_BACKEND="", REDIS_URL=args.redis, DB_CONN_MAX_AGE="60")
        self.admin_url = args.database_url
        self.server: subprocess.Popen | None = None
        self.sessions: dict[str, str] = {}

    def manage(self, *argv: str) -> str:
        done = subprocess.run([str(self.path / ".venv/bin/python"), "manage.py", *argv], cwd=self.path,
                              env=self.env, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            raise RuntimeError(f"{self.name}: manage.py {argv[0]} failed:\n{done.stderr[-2000:]}")
        return done.stdout

    def _admin(self, sql: str) -> None:
        import psycopg2

        conn = psycopg2.connect(self.admin_url)
        conn.autocommit = True
        try:
            conn.cursor().execute(sql)
        finally:
            conn.close()

    def prepare(self) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)')
        self._admin(f'CREATE DATABASE "{self.db}"')
        self.manage("migrate", "--noinput", "-v", "0")
        self.manage("collectstatic", "--noinput", "-v", "0")
        self.manage("seed_demo", "--persons", "40")
        users = sorted({who for _, _, who in PAGES if who})
        out = self.manage("shell", "-c", SESSIONS % (users,))
        self.sessions = json.loads(out.split("SESSIONS=", 1)[1])

    def start(self) -> None:
        self.server = subprocess.Popen(
            [str(self.path / ".venv/bin/python"), "-m", "gunicorn", "migraciones.wsgi:application",
             "-b", f"127.0.0.1:{self.port}", "-w", "2", "-k", "gthread", "--threads", "4", "--log-level", "warning"],
            cwd=self.path, env=self.env)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.server.poll() is not None:  # e.g. the port is taken: never measure someone else's server
                raise RuntimeError(f"{self.name}: gunicorn exited with {self.server.returncode}")
            try:
                if requests.get(f"{self.url}/cuentas/ingresar/", timeout=20).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.5)
        raise RuntimeError(f"{self.name}: gunicorn did not answer within 90 s")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.server is not None:
            self.server.terminate()
            self.server.wait(20)
        try:
            self._admin(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)')
        except Exception as exc:  # the figures are printed already; say what was left behind
            print(f"{self.name}: could not drop {self.db}: {exc}", file=sys.stderr)


MEASURE = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const kinds = {html: nav.transferSize, css: 0, js: 0, other: 0};
  for (const r of performance.getEntriesByType("resource")) {
    const kind = r.initiatorType === "link" && r.name.endsWith(".css") ? "css"
      : r.initiatorType === "script" || r.name.endsWith(".js") ? "js" : "other";
    kinds[kind] += r.transferSize;
  }
  return {status: nav.responseStatus || 0, url: location.pathname, ...kinds,
          dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd};
}"""


def load_once(browser, tree: Tree, path: str, who: str | None) -> dict:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  locale="es-PE")
    cookies = [{"name": "django_language", "value": "es", "url": tree.url}]
    if who:
        cookies.append({"name": "sessionid", "value": tree.sessions[who], "url": tree.url})
    context.add_cookies(cookies)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", FAST_3G)
    page.goto(f"{tree.url}{path}", wait_until="load", timeout=60_000)
    page.wait_for_function("performance.getEntriesByType('navigation')[0].loadEventEnd > 0")
    figures = page.evaluate(MEASURE)
    context.close()
    return figures


def median_of(samples: list[dict]) -> dict:
    last = samples[-1]
    out = {"status": last["status"], "url": last["url"]}
    for key in ("html", "css", "js", "other", "dcl", "load"):
        out[key] = statistics.median(s[key] for s in samples)
    out["weight"] = out["html"] + out["css"] + out["js"]
    return out


def table(results: dict, names: list[str]) -> str:
    lines = ["| page | " + " | ".join(f"{n}: HTML+CSS+JS bytes | {n}: DOMContentLoaded ms | {n}: load ms" for n in names) + " |",
             "|---|" + "---|---|---|" * len(names)]
    for name, path, _ in PAGES:
        cells = []
        for tree in names:
            r = results[tree][name]
            note = "" if r["url"] == path and r["status"] in (0, 200) else f" ({r['status']} at {r['url']})"
            cells += [f"{r['weight']:.0f} (HTML {r['html']:.0f}, CSS {r['css']:.0f}, JS {r['js']:.0f}){note}",
                      f"{r['dcl']:.0f}", f"{r['load']:.0f}"]
        lines.append(f"| {name} `{path}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", type=Path, help="a worktree of the commit before issue 12 (its .venv linked)")
    parser.add_argument("--runs", type=int, default=5, help="cold loads of each page on each tree (median)")
    parser.add_argument("--port", type=int, default=8781, help="this tree's port; the baseline's is the next")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
                        help="a PostgreSQL server (its database is only used to create and drop bench_pages_*)")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/3", help="Redis for the tasks nobody runs (emptied)")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/4", help="Redis for the cache (emptied)")
    args = parser.parse_args()
    trees = [Tree("now", ROOT, args.port, args)]
    if args.baseline:
        trees.append(Tree("before", args.baseline.resolve(), args.port + 1, args))
    from playwright.sync_api import sync_playwright

    results: dict[str, dict[str, list]] = {t.name: {name: [] for name, _, _ in PAGES} for t in trees}
    try:
        for tree in trees:
            started = time.monotonic()
            tree.prepare()
            tree.start()
            print(f"{tree.name}: {tree.path} ready in {time.monotonic() - started:.0f} s on {tree.url}", flush=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            for tree in trees:  # one warm-up load each: the first request of a worker loads templates
                for name, path, who in PAGES:
                    load_once(browser, tree, path, who)
            for run in range(args.runs):
                for name, path, who in PAGES:
                    for tree in trees:
                        results[tree.name][name].append(load_once(browser, tree, path, who))
                print(f"run {run + 1}/{args.runs} done", flush=True)
            browser.close()
    finally:
        for tree in trees:
            tree.stop()
        import redis

        for url in (args.broker, args.redis):
            redis.Redis.from_url(url).flushdb()  # only this benchmark's database numbers
    medians = {t: {name: median_of(samples) for name, samples in pages.items() if samples}
               for t, pages in results.items()}
    print(json.dumps(medians, indent=1))
    print(f"Phone 375x740, CPU x{CPU_SLOWDOWN}, Fast 3G; median of {args.runs} cold loads")
    print(table(medians, [t.name for t in trees]))


if __name__ == "__main__":
    main()
