"""render.CachedFile: a file from exemplar's cache is linked into the site; the cache is never written through."""

import os
from types import SimpleNamespace

from exemplar import render


def cached_file(tmp_path, source):
    config = SimpleNamespace(site_dir=str(tmp_path / "site"), use_directory_urls=True,
                             plugins=SimpleNamespace(_current_plugin="exemplar"))
    return render.CachedFile.generated(config, "assets/media/photo.jpg", abs_src_path=str(source))


def test_the_site_gets_a_read_only_link_to_the_cache_entry(tmp_path):
    source = tmp_path / "entry.jpg"
    source.write_bytes(b"variant")
    file = cached_file(tmp_path, source)
    file.copy_file()
    assert os.path.samefile(file.abs_dest_path, source)
    assert not os.stat(file.abs_dest_path).st_mode & 0o222  # a write through the site's name would change the cache
    file.copy_file()  # the next build links it again
    assert os.path.samefile(file.abs_dest_path, source) and source.read_bytes() == b"variant"


def test_where_no_link_can_be_made_the_file_is_copied(tmp_path, monkeypatch):
    source = tmp_path / "entry.jpg"
    source.write_bytes(b"variant")

    def cross_device(*args):
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(render.os, "link", cross_device)
    file = cached_file(tmp_path, source)
    file.copy_file()
    assert not os.path.samefile(file.abs_dest_path, source)
    assert open(file.abs_dest_path, "rb").read() == b"variant"


def test_a_file_already_there_is_replaced_not_written_through(tmp_path, monkeypatch):
    """Were the output a link to another cache entry, copying into it would change that entry."""
    other, source = tmp_path / "other.jpg", tmp_path / "entry.jpg"
    other.write_bytes(b"another entry")
    source.write_bytes(b"variant")
    file = cached_file(tmp_path, source)
    os.makedirs(os.path.dirname(file.abs_dest_path))
    os.link(other, file.abs_dest_path)
    monkeypatch.setattr(render.os, "link", lambda *args: (_ for _ in ()).throw(OSError(18, "cross-device")))
    file.copy_file()
    assert other.read_bytes() == b"another entry"
    assert open(file.abs_dest_path, "rb").read() == b"variant"
