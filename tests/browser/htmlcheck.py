"""HTML validation with the W3C Nu HTML Checker (vnu.jar), run with Java.

The jar comes from the vnu-jar package on the npm registry (`npm pack`), once, into
.cache/vnu/. It runs as a local service for the session.
Errors are reported; the checker's info messages and warnings are not.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import socket
import subprocess
import tarfile
import tempfile
import time
import urllib.request
from pathlib import Path

VNU_VERSION = "26.9.27"
CACHE = Path(__file__).resolve().parents[2] / ".cache" / "vnu"
JAR = CACHE / f"vnu-{VNU_VERSION}.jar"
FETCH_TIMEOUT = 300  # seconds for npm to download the package (about 30 MB)
START_TIMEOUT = 120  # seconds for the checker's service to start (Java is slow to)
CHECK_TIMEOUT = 60  # seconds to check one document


def ensure_vnu() -> tuple[Path | None, str]:
    """The checker's jar, fetched once; (None, why) when it cannot be had."""
    if JAR.exists():
        return JAR, ""
    for tool in ("java", "npm"):
        if not shutil.which(tool):
            return None, f"no `{tool}` on PATH to fetch and run vnu-jar@{VNU_VERSION}"
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        try:
            result = subprocess.run(
                ["npm", "pack", f"vnu-jar@{VNU_VERSION}", "--silent"], cwd=tmp,
                capture_output=True, text=True, timeout=FETCH_TIMEOUT, check=False,
            )
        except subprocess.TimeoutExpired:
            return None, f"`npm pack vnu-jar@{VNU_VERSION}` took over {FETCH_TIMEOUT}s"
        tarballs = list(Path(tmp).glob("vnu-jar-*.tgz"))
        if result.returncode != 0 or not tarballs:
            return None, (f"`npm pack vnu-jar@{VNU_VERSION}` failed: "
                          f"{(result.stderr or result.stdout).strip()[-500:]}")
        with tarfile.open(tarballs[0]) as archive:
            source = archive.extractfile(archive.getmember("package/build/dist/vnu.jar"))
            assert source is not None
            partial = JAR.with_suffix(".part")
            partial.write_bytes(source.read())
            partial.replace(JAR)  # never leave a half-written jar behind
    return JAR, ""


class Validator:
    """The checker as a local web service: started once, it checks a page in a blink.

    Java starts slowly (seconds); the service starts when the session does and is
    waited for only when the first test needs it, so the start overlaps other work.
    """

    def __init__(self, jar: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - open as long as the service
        # setpriv (util-linux) ends the service with the test run, even a killed one.
        end_with_parent = ["setpriv", "--pdeathsig", "TERM"] if shutil.which("setpriv") else []
        self.process = subprocess.Popen(
            [*end_with_parent, "java", "-Xss8m", "-Dnu.validator.servlet.bind-address=127.0.0.1",
             "-cp", str(jar), "nu.validator.servlet.Main", str(self.port)],
            stdout=self.log, stderr=subprocess.STDOUT,
        )
        self.url = f"http://127.0.0.1:{self.port}/?out=json"
        self.ready = False

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while not self.ready:
            if self.process.poll() is not None:
                self.log.seek(0)
                output = self.log.read().decode(errors="replace")[-1000:]
                raise AssertionError(f"the Nu HTML Checker stopped: {output}")
            try:
                with urllib.request.urlopen(self.url.split("?")[0], timeout=5):
                    self.ready = True
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError(
                        f"the Nu HTML Checker did not start in {START_TIMEOUT}s") from None
                time.sleep(0.25)

    def check(self, html: str) -> list[dict]:
        """The checker's messages about one document."""
        self._wait_ready()
        request = urllib.request.Request(
            self.url, data=html.encode("utf-8"),
            headers={"Content-Type": "text/html; charset=utf-8"},
        )
        with urllib.request.urlopen(request, timeout=CHECK_TIMEOUT) as response:
            return json.load(response).get("messages", [])

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.log.close()


def validate(documents: dict[str, str], validator: Validator) -> list[str]:
    """The errors in HTML documents (name -> text), each with its document's name."""
    seen: set[str] = set()
    errors = []
    for name, html in documents.items():
        digest = hashlib.sha256(html.encode()).hexdigest()
        if digest in seen:  # the same page twice is checked once
            continue
        seen.add(digest)
        for message in validator.check(html):
            if message.get("type") == "info":  # notes and warnings
                continue
            errors.append(f"{name} line {message.get('lastLine')}: {message.get('message')} "
                          f"[{message.get('extract', '').strip()[:120]}]")
    return errors
