"""HTML validation with the W3C Nu HTML Checker (vnu.jar), run with Java."""

from __future__ import annotations

import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

VNU_VERSION = "26.9.27"
CACHE = Path(__file__).resolve().parents[2] / ".cache" / "vnu"
JAR = CACHE / f"vnu-{VNU_VERSION}.jar"


def ensure_vnu() -> Path | None:
    """The checker's jar, fetched once from the npm registry; None when it cannot be had."""
    if JAR.exists():
        return JAR
    if not shutil.which("npm") or not shutil.which("java"):
        return None
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run(
            ["npm", "pack", f"vnu-jar@{VNU_VERSION}", "--silent"], cwd=tmp,
            capture_output=True, text=True, timeout=300,
        )
        if result.returncode != 0:
            return None
        tarball = next(Path(tmp).glob("vnu-jar-*.tgz"))
        with tarfile.open(tarball) as archive:
            member = archive.getmember("package/build/dist/vnu.jar")
            source = archive.extractfile(member)
            assert source is not None
            JAR.write_bytes(source.read())
    return JAR


def validate(documents: dict[str, str]) -> list[str]:
    """Validate HTML documents (name -> text); return the errors, each with its document."""
    jar = ensure_vnu()
    if jar is None or not documents:
        return []
    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for index, (name, html) in enumerate(documents.items()):
            path = Path(tmp) / f"doc{index}.html"
            path.write_text(html, encoding="utf-8")
            paths[path.as_uri()] = name
        result = subprocess.run(
            ["java", "-jar", str(jar), "--format", "json", "--exit-zero-always",
             *[str(Path(tmp) / f"doc{i}.html") for i in range(len(documents))]],
            capture_output=True, text=True, timeout=300,
        )
        report = json.loads(result.stderr or "{}")
    errors = []
    for message in report.get("messages", []):
        if message.get("type") == "error" or message.get("subType") == "fatal":
            name = paths.get(message.get("url", ""), message.get("url", ""))
            errors.append(f"{name}:{message.get('lastLine')}: {message.get('message')} "
                          f"[{message.get('extract', '').strip()[:120]}]")
    return errors
