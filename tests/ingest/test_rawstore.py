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


def test_the_store_is_its_owners_alone_whatever_the_umask(tmp_path):
    """Every message as received: directories 0700 and files 0600 from the start, the temporary
    file's mode kept through its rename, even where the umask would let everyone read."""
    previous = os.umask(0)
    try:
        store = RawStore(tmp_path / "var" / "raw")
        shas = store.put_many([b"From: a@b\r\n\r\none", b"From: a@b\r\n\r\ntwo"])
    finally:
        os.umask(previous)
    directories = [store.root, store.root / "tmp", *{store.path(sha).parent for sha in shas}]
    assert {str(d): oct(d.stat().st_mode & 0o777) for d in directories} == {str(d): "0o700" for d in directories}
    assert [oct(store.path(sha).stat().st_mode & 0o777) for sha in shas] == ["0o600", "0o600"]


def test_disk_space_is_measured_where_the_store_is_or_will_be(tmp_path):
    from ingest.rawstore import disk_space

    stat = os.statvfs(tmp_path)
    here = disk_space(tmp_path)
    assert here.path == tmp_path and here.total == stat.f_blocks * stat.f_frsize
    assert abs(here.free - stat.f_bavail * stat.f_frsize) < 64 * 1024 * 1024  # others write meanwhile
    assert 0 < here.free_fraction <= 1
    later = disk_space(tmp_path / "var" / "raw")  # not made yet: its nearest existing parent
    assert later.path == tmp_path and later.total == here.total
