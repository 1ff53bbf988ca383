"""Deploying to S3-compatible storage, against a real S3 server on loopback (`rclone serve s3`
over a temporary folder): only changed files are uploaded, files that went are deleted, and
the bucket ends up holding exactly the site."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from stemx.cli import main
from stemx.config import BuildConfig
from stemx.deploy import deploy, rclone
from stemx.pipeline import build
from tests.conftest import CASES, TODAY

ACCESS, SECRET = "stemxtestaccess", "stemxtestsecret1234"  # the loopback server's own, made up here


@pytest.fixture
def storage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Path]]:
    """A running S3 server: its endpoint, and the folder its bucket "register" is kept in."""
    store = tmp_path / "store"
    (store / "register").mkdir(parents=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [rclone(), "serve", "s3", "--config", "", "--addr", f"127.0.0.1:{port}", "--auth-key", f"{ACCESS},{SECRET}",
         "--etag-hash", "MD5", str(store)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    try:
        yield f"http://127.0.0.1:{port}", store / "register"
    finally:
        server.terminate()
        server.wait(timeout=10)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def site_files(site: Path) -> dict[str, bytes]:
    return {k: v for k, v in tree(site).items() if not k.split("/")[-1].startswith(".stemx-")}


def test_a_deploy_uploads_the_site_then_only_what_changed(tmp_path: Path, storage: tuple[str, Path]) -> None:
    endpoint, bucket = storage
    site = tmp_path / "site"
    config = BuildConfig(content_dir=CASES / "valid" / "minimal" / "content", out_dir=site, today=TODAY)
    build(config)
    first = deploy(site, "register/stem-exchange", endpoint)
    assert first.uploaded == len(site_files(site)) > 100 and first.replaced == first.deleted == 0
    assert tree(bucket / "stem-exchange") == site_files(site)

    again = deploy(site, "register/stem-exchange", endpoint)
    assert (again.uploaded, again.replaced, again.deleted) == (0, 0, 0)  # nothing changed: nothing sent

    (site / "index.html").write_text("a changed home page", encoding="utf-8")
    (site / "about" / "index.html").unlink()
    (site / "new.txt").write_text("a new file", encoding="utf-8")
    dry = deploy(site, "register/stem-exchange", endpoint, dry_run=True)
    assert (dry.uploaded, dry.deleted) == (2, 1)  # the changed and the new file; the one that went
    assert (bucket / "stem-exchange" / "about" / "index.html").exists()  # a dry run changes nothing
    third = deploy(site, "register/stem-exchange", endpoint)
    assert (third.uploaded, third.replaced, third.deleted) == (1, 1, 1)
    assert tree(bucket / "stem-exchange") == site_files(site)


def test_missing_credentials_are_a_message_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("home", encoding="utf-8")
    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    code = main(["deploy", "--site", str(site), "--bucket", "register", "--endpoint", "http://127.0.0.1:9"])
    _, err = capsys.readouterr()
    assert code == 2 and "set AWS_ACCESS_KEY_ID in the environment" in err and "Traceback" not in err


def test_a_storage_that_refuses_the_key_fails_the_deploy_with_its_reason(
    tmp_path: Path, storage: tuple[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    endpoint, _ = storage
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("home", encoding="utf-8")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret-key")
    code = main(["deploy", "--site", str(site), "--bucket", "register", "--endpoint", endpoint])
    _, err = capsys.readouterr()
    assert code == 1 and "deploy failed" in err and "Traceback" not in err
