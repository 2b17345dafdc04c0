import hashlib
import os

from ingest.rawstore import RawStore


def test_put_is_content_addressed_and_idempotent(tmp_path):
    store = RawStore(tmp_path / "raw")
    data = b"From: a@b\r\n\r\nbody"
    sha = store.put(data)
    assert sha == hashlib.sha256(data).hexdigest()
    path = store.path(sha)
    assert path.read_bytes() == data and path.parent.name == sha[0]
    mtime = path.stat().st_mtime_ns
    assert store.put_many([data, b"other"])[0] == sha
    assert path.stat().st_mtime_ns == mtime  # not rewritten
    assert store.read(sha) == data


def test_leftover_temporary_files_are_cleaned(tmp_path):
    store = RawStore(tmp_path / "raw")
    store.put(b"x")
    leftover = store.root / "tmp" / "deadbeef.tmp"
    leftover.write_bytes(b"half a message")
    assert store.clean_temporary() == 1 and not leftover.exists()
    assert os.listdir(store.root / "tmp") == []
