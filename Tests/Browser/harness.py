"""Real parts for the widget's browser tests: a Parley server process (the offline answerer,
SQLite, the local embedder, the demo knowledge base), customer host pages on other origins,
and headless Chromium driven by Selenium. Nothing here is a mock."""

import http.server
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

REPOSITORY = Path(__file__).resolve().parents[2]
ARTIFACTS = REPOSITORY / ".build" / "test-artifacts" / "browser"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def parley_binary():
    explicit = os.environ.get("PARLEY_BIN")
    if explicit:
        return explicit
    folder = subprocess.run(["swift", "build", "--show-bin-path"], cwd=REPOSITORY, check=True,
                            capture_output=True, text=True).stdout.strip()
    return str(Path(folder) / "parley")


class ParleyServer:
    """`parley serve` in a scratch folder, started and stopped as a child process."""

    def __init__(self, word_delay_ms=30, llm=None, extra_config=""):
        self.folder = Path(tempfile.mkdtemp(prefix="parley-browser-"))
        self.llm = llm
        self.port = free_port()
        self.binary = parley_binary()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.config = self.folder / "parley.yaml"
        self.config.write_text(
            "app:\n"
            f"  port: {self.port}\n"
            f"  data_dir: {self.folder}/data\n"
            "database:\n"
            f"  sqlite_path: {self.folder}/data/parley.sqlite\n"
            "logging:\n"
            f"  path: {self.folder}/logs/app.jsonl\n"
            "  stdout: false\n"
            "llm:\n"
            + (f"  provider: openai\n  base_url: {llm.origin}/v1\n  model: fake-model\n" if llm else "  provider: extractive\n")
            + f"  offline_word_delay_ms: {word_delay_ms}\n"
            + extra_config)
        self.process = None
        self.api_key = None

    def environment(self):
        environment = {k: v for k, v in os.environ.items() if not k.startswith("PARLEY_") and k != "DATABASE_URL"}
        environment["PARLEY_CONFIG"] = str(self.config)
        if self.llm:
            environment["PARLEY_LLM_API_KEY"] = "sk-fake-for-browser-tests"
        return environment

    def cli(self, *arguments, env=None):
        result = subprocess.run([self.binary, *arguments], cwd=self.folder, env={**self.environment(), **(env or {})},
                                capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            raise RuntimeError(f"parley {' '.join(arguments)} failed: {result.stderr.strip()[-2000:]}")
        return result.stdout

    def start(self):
        self.log = open(self.folder / "serve.log", "ab")
        self.process = subprocess.Popen([self.binary, "serve"], cwd=self.folder, env=self.environment(),
                                        stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("parley serve exited: " + (self.folder / "serve.log").read_text()[-3000:])
            try:
                with urllib.request.urlopen(self.origin + "/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        raise RuntimeError("parley serve did not become healthy in time")

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)
        self.process = None
        self.log.close()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.log.close()
        self.process = None

    def remove(self):
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def widget_key(self):
        with urllib.request.urlopen(self.origin + "/demo", timeout=10) as response:
            page = response.read().decode()
        return re.search(r'data-tenant="(pk_[^"]+)"', page).group(1)

    def create_account(self, email, role, password, name=None):
        """An admin account in the demo tenant, made with the CLI as a business would."""
        arguments = ["admin", "create", "--email", email, "--tenant", "demo", "--role", role]
        if name:
            arguments += ["--name", name]
        self.cli(*arguments, env={"PARLEY_ADMIN_PASSWORD": password})

    def settings(self, *assignments, unset=()):
        arguments = ["tenant", "settings", "--slug", "demo", *assignments]
        for key in unset:
            arguments += ["--unset", key]
        printed = json.loads(self.cli(*arguments).strip().splitlines()[-1])
        # The serving process reuses its tenant lookups for chat.directory_cache_seconds (1 s);
        # an edit by another process, as this CLI is, shows once they are older than that.
        time.sleep(1.1)
        return printed

    def add_source(self, title, text):
        """Adds a text source through the sources API, waiting until it is indexed."""
        if self.api_key is None:
            self.api_key = re.search(r"(sk_\S+)", self.cli("tenant", "rotate-key", "--slug", "demo")).group(1)
        body = json.dumps({"kind": "text", "title": title, "content": text}).encode()
        request = urllib.request.Request(self.origin + "/api/v1/sources?wait=true", data=body, method="POST", headers={
            "Content-Type": "application/json", "Authorization": "Bearer " + self.api_key})
        with urllib.request.urlopen(request, timeout=120) as response:
            source = json.loads(response.read())
        if source.get("status") != "indexed":
            raise RuntimeError(f"source not indexed: {source}")
        return source

    def count(self, table):
        connection = sqlite3.connect(f"file:{self.folder}/data/parley.sqlite?mode=ro", uri=True, timeout=10)
        try:
            return connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        finally:
            connection.close()

    def rows(self, query):
        connection = sqlite3.connect(f"file:{self.folder}/data/parley.sqlite?mode=ro", uri=True, timeout=10)
        try:
            return connection.execute(query).fetchall()
        finally:
            connection.close()


class FakeLLM:
    """An OpenAI-compatible `/v1/chat/completions` server over real HTTP: streams `answer` as
    `chat.completion.chunk` SSE frames, then usage and `[DONE]`, as the providers do."""

    def __init__(self, answer=""):
        self.answer = answer
        self.requests = []  # every request body, parsed
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                fake.requests.append(json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}"))
                if self.path != "/v1/chat/completions":
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                pieces = re.findall(r"\S*\s*", fake.answer)
                for piece in [p for p in pieces if p]:
                    self.frame({"choices": [{"index": 0, "delta": {"content": piece}}]})
                    time.sleep(0.005)
                self.frame({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
                self.frame({"choices": [], "usage": {"prompt_tokens": 50, "completion_tokens": len(pieces), "total_tokens": 50 + len(pieces)}})
                self.chunk(b"data: [DONE]\n\n")
                self.chunk(b"")

            def frame(self, payload):
                payload.update({"id": "chatcmpl-fake", "object": "chat.completion.chunk", "model": "fake-model"})
                self.chunk(("data: " + json.dumps(payload) + "\n\n").encode())

            def chunk(self, data):
                self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                self.wfile.flush()

            def log_message(self, *arguments):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


HOSTILE_CSS = """
* { font-family: "Comic Sans MS", cursive !important; color: #ff00ff !important; letter-spacing: 3px !important;
    line-height: 3 !important; box-sizing: content-box !important; text-transform: uppercase !important; }
div, button, textarea, p, span, h2, header, form, ol, li, a {
    background: #ffff00 !important; border: 5px dashed red !important; padding: 30px !important;
    margin: 20px !important; width: 50px !important; height: 50px !important; display: inline !important;
    position: static !important; font-size: 31px !important; visibility: visible !important; }
parley-chat { display: none !important; transform: scale(0.4) rotate(12deg) !important; opacity: 0.2 !important; }
body { font-size: 40px !important; }
"""


class HostSite:
    """A customer's site on its own origin (another port): pages that embed the widget."""

    def __init__(self, parley_origin, widget_key):
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                page = site.page(self.path)
                if page is None:
                    self.send_error(404)
                    return
                body = page.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *arguments):
                pass

        self.parley_origin = parley_origin
        self.widget_key = widget_key
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def page(self, path):
        script = (f'<script src="{self.parley_origin}/widget.js" data-tenant="{self.widget_key}" '
                  'data-agent="sales" {extra} async></script>')
        if path.startswith("/plain"):
            return f"<!doctype html><html lang=\"en\"><head><title>Shop</title></head><body><h1>Shop</h1>{script.format(extra='')}</body></html>"
        if path.startswith("/hostile"):
            decoys = ('<div class="pane" id="decoy-pane">decoy</div><button class="launcher" id="decoy-launcher">x</button>'
                      '<p class="hint" id="decoy-hint">hint</p>')
            return (f"<!doctype html><html lang=\"en\"><head><title>Hostile</title><style>{HOSTILE_CSS}</style></head>"
                    f"<body><h1>Hostile shop</h1>{decoys}{script.format(extra='')}</body></html>")
        if path.startswith("/german"):
            return f"<!doctype html><html lang=\"de-AT\"><head><title>Laden</title></head><body>{script.format(extra='')}</body></html>"
        if path.startswith("/lang/"):
            code = re.sub(r"[^a-z]", "", path[len("/lang/"):])[:5]
            return (f"<!doctype html><html lang=\"de\"><head><title>Shop</title></head><body>"
                    f"{script.format(extra=f'data-lang={code}')}</body></html>")
        if path.startswith("/broken"):
            broken = script.format(extra="").replace('data-agent="sales"', 'data-agent="Not An Agent!"')
            return ("<!doctype html><html lang=\"en\"><head><title>Shop</title></head><body><p id=\"content\">Shop</p>"
                    + broken + "<script>window.addEventListener('load', function () { window.__hostOk = true; });</script>"
                    "</body></html>")
        return None

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def chromium(width=1280, height=800, mobile=False):
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("PARLEY_CHROMIUM", "/usr/bin/chromium")
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--force-color-profile=srgb", "--hide-scrollbars", f"--window-size={width},{height}"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(os.environ.get("PARLEY_CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
    driver.set_script_timeout(30)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
    return driver


def wait_until(predicate, timeout=20):
    """The predicate's first truthy value within `timeout` seconds, or None. An exception counts
    as "not yet" (a page between loads, an element not drawn yet)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception:
            pass
        time.sleep(0.05)
    return None
