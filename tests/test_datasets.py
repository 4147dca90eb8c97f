"""load_mnist: the bundled subset, a user's folder, and downloads from a local test server."""

from __future__ import annotations

import hashlib
import http.server
import re
import socket
import threading
from pathlib import Path

import numpy as np
import pytest

from grader import datasets
from grader.datasets import FILES, DatasetError, load_mnist
from grader.idx import write_idx


def test_bundled_subset_is_real_mnist_stratified():
    (x_train, y_train), (x_test, y_test) = load_mnist()
    assert x_train.shape == (4000, 784) and x_test.shape == (1000, 784)
    assert x_train.dtype == np.float32 and 0.0 <= x_train.min() and x_train.max() == 1.0
    assert y_train.dtype == np.int64
    assert np.bincount(y_train).tolist() == [400] * 10
    assert np.bincount(y_test).tolist() == [100] * 10
    assert not np.array_equal(y_train[:400], np.zeros(400))  # classes are mixed, not sorted
    digits_have_ink = (x_train > 0.5).sum(axis=1)
    assert digits_have_ink.min() > 20  # every image is a drawn digit, not noise or blank


def test_bundled_subset_options():
    (x_train, y_train), (x_test, _) = load_mnist(normalize=False, flatten=False, one_hot_label=True)
    assert x_train.dtype == np.uint8 and x_train.shape == (4000, 28, 28)
    assert x_test.max() == 255
    assert y_train.shape == (4000, 10) and y_train.dtype == np.float32
    assert np.all(y_train.sum(axis=1) == 1)
    (again, labels), _ = load_mnist()
    np.testing.assert_array_equal(again, x_train.reshape(4000, -1) / np.float32(255))
    np.testing.assert_array_equal(labels, y_train.argmax(axis=1))


def test_fashion_has_no_bundled_subset():
    with pytest.raises(DatasetError, match="no bundled fashion-mnist"):
        load_mnist(kind="fashion-mnist")


def fake_files(n_train: int = 12, n_test: int = 6, seed: int = 0) -> dict[str, bytes]:
    """The four standard files, small and random, as gzipped IDX bytes."""
    rng = np.random.default_rng(seed)
    arrays = {
        FILES["train_images"]: rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        FILES["train_labels"]: rng.integers(0, 10, n_train, dtype=np.uint8),
        FILES["test_images"]: rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        FILES["test_labels"]: rng.integers(0, 10, n_test, dtype=np.uint8),
    }
    return {name: _idx_bytes(array) for name, array in arrays.items()}


def _idx_bytes(array: np.ndarray) -> bytes:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f.gz"
        write_idx(path, array, compress=True)
        return path.read_bytes()


def test_reads_a_folder_of_raw_or_gzipped_files(tmp_path):
    import gzip

    files = fake_files()
    for i, (name, data) in enumerate(files.items()):
        if i % 2:
            (tmp_path / name.removesuffix(".gz")).write_bytes(gzip.decompress(data))
        else:
            (tmp_path / name).write_bytes(data)
    (x_train, _), (x_test, y_test) = load_mnist(tmp_path)
    assert x_train.shape == (12, 784) and x_test.shape == (6, 784) and len(y_test) == 6


def test_a_folder_missing_files_says_which(tmp_path):
    (tmp_path / FILES["train_images"]).write_bytes(fake_files()[FILES["train_images"]])
    with pytest.raises(DatasetError, match=r"lacks train-labels-idx1-ubyte\.gz, t10k-images"):
        load_mnist(tmp_path)


def test_mismatched_counts_are_refused(tmp_path):
    files = fake_files()
    files[FILES["test_labels"]] = fake_files(n_test=5)[FILES["test_labels"]]
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    with pytest.raises(DatasetError, match="6 test images but 5 labels"):
        load_mnist(tmp_path)


class Server:
    """A file server on 127.0.0.1 with per-path behaviour; records every request."""

    def __init__(self, files: dict[str, bytes]):
        self.files = files
        self.requests: list[str] = []
        self.paths: list[str] = []
        self.truncate: set[str] = set()
        handler = self._handler()
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/mnist/"

    def _handler(self):
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                name = self.path.rsplit("/", 1)[-1]
                server.requests.append(name)
                server.paths.append(self.path)
                if self.path != f"/mnist/{name}" or name not in server.files:
                    self.send_error(404)
                    return
                body = server.files[name]
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if name in server.truncate:
                    body = body[: len(body) // 3]
                    self.close_connection = True
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        return Handler

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def sha256s(files: dict[str, bytes]) -> dict[str, str]:
    return {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}


@pytest.fixture
def files():
    return fake_files(seed=1)


@pytest.fixture
def server(files, monkeypatch):
    monkeypatch.setitem(datasets.CHECKSUMS, "mnist", sha256s(files))
    running = Server(files)
    yield running
    running.stop()


def closed_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def cache_files(cache: Path) -> list[str]:
    return sorted(p.name for p in (cache / "mnist").iterdir()) if (cache / "mnist").exists() else []


def test_download_once_then_serve_from_cache(server, tmp_path):
    (x_train, _), (x_test, _) = load_mnist("full", cache_dir=tmp_path, mirrors=[server.url])
    assert x_train.shape == (12, 784) and x_test.shape == (6, 784)
    assert sorted(server.requests) == sorted(FILES.values())
    assert cache_files(tmp_path) == sorted(FILES.values())
    again, _ = load_mnist("full", cache_dir=tmp_path, mirrors=[server.url])
    np.testing.assert_array_equal(again[0], x_train)
    assert len(server.requests) == 4  # the second call used the cache only


def test_failover_to_the_next_mirror(server, tmp_path):
    dead = closed_port()
    missing = server.url.replace("/mnist/", "/elsewhere/")
    load_mnist("full", cache_dir=tmp_path, mirrors=[dead, missing, server.url])
    assert cache_files(tmp_path) == sorted(FILES.values())
    # the 404 mirror was tried for the first file only: later files start with the one that worked
    assert [p for p in server.paths if p.startswith("/elsewhere/")] == [
        "/elsewhere/" + FILES["train_images"]
    ]


def test_a_missing_file_is_reported_with_its_http_status(server, tmp_path):
    missing = server.url.replace("/mnist/", "/elsewhere/")
    with pytest.raises(DatasetError, match=r"/elsewhere/train-images-idx3-ubyte\.gz: HTTP 404"):
        load_mnist("full", cache_dir=tmp_path, mirrors=[missing])
    assert cache_files(tmp_path) == []


def test_environment_variable_moves_the_cache(server, tmp_path, monkeypatch):
    monkeypatch.setenv("BACKPROP_LAB_DATA", str(tmp_path / "env-cache"))
    load_mnist("full", mirrors=[server.url])
    assert cache_files(tmp_path / "env-cache") == sorted(FILES.values())


def test_checksum_mismatch_leaves_nothing(server, files, tmp_path):
    server.files[FILES["test_images"]] = fake_files(seed=2)[FILES["test_images"]]
    with pytest.raises(DatasetError, match=r"t10k-images-idx3-ubyte\.gz.*checksum mismatch"):
        load_mnist("full", cache_dir=tmp_path, mirrors=[server.url])
    assert FILES["test_images"] not in cache_files(tmp_path)
    assert not [n for n in cache_files(tmp_path) if n.startswith(".")]  # no half-written file


def test_truncated_transfer_leaves_nothing(server, tmp_path):
    server.truncate.add(FILES["train_images"])
    with pytest.raises(DatasetError, match=r"train-images-idx3-ubyte\.gz") as info:
        load_mnist("full", cache_dir=tmp_path, mirrors=[server.url])
    assert server.url in str(info.value)
    assert cache_files(tmp_path) == []


def test_unreachable_host_names_the_mirror_and_the_way_out(tmp_path, monkeypatch):
    dead = closed_port()
    with pytest.raises(DatasetError) as info:
        load_mnist("full", cache_dir=tmp_path, mirrors=[dead])
    message = str(info.value)
    assert dead in message and "unreachable" in message
    assert "source=" in message and "BACKPROP_LAB_DATA" in message
    assert cache_files(tmp_path) == []


def test_a_corrupted_cache_file_is_fetched_again(server, tmp_path):
    load_mnist("full", cache_dir=tmp_path, mirrors=[server.url])
    (tmp_path / "mnist" / FILES["test_labels"]).write_bytes(b"garbage")
    load_mnist("full", cache_dir=tmp_path, mirrors=[server.url])
    assert server.requests.count(FILES["test_labels"]) == 2


def test_fashion_mnist_uses_the_same_format(tmp_path, files, monkeypatch):
    monkeypatch.setitem(datasets.CHECKSUMS, "fashion-mnist", sha256s(files))
    running = Server(files)
    try:
        load_mnist("full", kind="fashion-mnist", cache_dir=tmp_path, mirrors=[running.url])
    finally:
        running.stop()
    assert sorted(p.name for p in (tmp_path / "fashion-mnist").iterdir()) == sorted(FILES.values())


def test_bundled_files_match_their_documented_checksums():
    readme = (datasets.BUNDLED.parent / "README.md").read_text()
    documented = dict(re.findall(r"\| (\S+-ubyte\.gz) \| ([0-9a-f]{64}) \|", readme))
    folders = (datasets.BUNDLED, datasets.PRIVATE)
    shipped = {p.name: p for folder in folders for p in folder.iterdir()}
    assert sorted(documented) == sorted(shipped)
    bundled = sorted(p.name for p in datasets.BUNDLED.iterdir())
    assert sorted(datasets.BUNDLED_FILES.values()) == bundled
    for name, digest in documented.items():
        assert hashlib.sha256(shipped[name].read_bytes()).hexdigest() == digest


def test_private_test_images_are_not_in_the_student_data():
    """fit_mnist is scored on images no student has: no private image equals a bundled one."""

    def digests(images):
        return {hashlib.sha256(image.tobytes()).hexdigest() for image in images}

    (x_train, _), (x_val, _) = load_mnist(normalize=False)
    x_private, y_private = datasets.load_private_test(normalize=False)
    assert x_private.shape == (1000, 784) and np.bincount(y_private).tolist() == [100] * 10
    assert not digests(x_private) & (digests(x_train) | digests(x_val))
