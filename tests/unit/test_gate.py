"""The last gate reads what is about to be published: pages, feeds, the search index and the exports."""

import io
import zipfile

from exemplar.gate import scan_site

ID = "11010519491231002X"


def docx_with(text_runs: list[str]) -> bytes:
    """A minimal Word file whose paragraph is split into the given runs, as Word does."""
    runs = "".join(f"<w:r><w:t>{run}</w:t></w:r>" for run in text_runs)
    document = ('<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                f"<w:body><w:p>{runs}</w:p></w:body></w:document>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", document)
        archive.writestr("word/styles.xml", "<w:styles>" + "0" * 40 + "</w:styles>")  # not text a reader sees
    return buffer.getvalue()


def test_pages_feeds_and_the_search_index_are_read(tmp_path):
    (tmp_path / "stories/li-si").mkdir(parents=True)
    (tmp_path / "stories/li-si/index.html").write_text("<p>第一行</p>\n<p>电话 13912345678</p>", encoding="utf-8")
    (tmp_path / "search").mkdir()
    (tmp_path / "search/search_index.json").write_text(f'{{"docs": [{{"text": "证件 {ID}"}}]}}', encoding="utf-8")
    (tmp_path / "feed.xml").write_text("<rss><item>办公电话 0312-5012021</item></rss>", encoding="utf-8")
    leaks = scan_site(tmp_path, ["0312-5012021"])
    assert [leak.describe() for leak in leaks] == [
        "search/search_index.json:1: 居民身份证号 1101**********002X",
        "stories/li-si/index.html:2: 手机号码 139****5678",
    ]


def test_word_files_and_zips_are_read_inside(tmp_path):
    (tmp_path / "press.docx").write_bytes(docx_with(["联系人身份证号：", ID[:9], ID[9:]]))  # cut across runs
    kit = io.BytesIO()
    with zipfile.ZipFile(kit, "w") as archive:
        archive.writestr("press.docx", docx_with(["手机 139", "1234", "5678"]))
        archive.writestr("poster.png", b"\x89PNG 13912345678")  # images are not text: not read
    (tmp_path / "press-kit.zip").write_bytes(kit.getvalue())
    leaks = scan_site(tmp_path)
    assert [leak.describe() for leak in leaks] == [
        "press-kit.zip!press.docx!word/document.xml:1: 手机号码 139****5678",
        "press.docx!word/document.xml:1: 居民身份证号 1101**********002X",
    ]


def test_theme_scripts_and_a_weak_bank_card_look_alike_do_not_stop_a_build(tmp_path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets/bundle.js").write_text("var n = 13912345678;", encoding="utf-8")
    (tmp_path / "index.html").write_text("<p>编号 6217000012345670</p>", encoding="utf-8")
    assert scan_site(tmp_path) == []


def test_a_large_site_is_read_on_both_cores_with_the_same_findings(tmp_path, monkeypatch):
    from exemplar import forked, gate

    for number in range(40):
        folder = tmp_path / "stories" / f"ren-{number:02d}"
        folder.mkdir(parents=True)
        mobile = f"1391234{number:04d}"
        body = "<p>正文</p>\n" * number + (f"<p>电话 {mobile}</p>\n" if number % 3 == 0 else "")
        (folder / "index.html").write_text(body, encoding="utf-8")
    (tmp_path / "press-kit.zip").write_bytes(docx_with(["身份证", ID]))
    serial = scan_site(tmp_path)
    forks = []
    real_fork = forked.fork
    monkeypatch.setattr(gate, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(forked, "fork", lambda: forks.append(1) or real_fork())
    parallel = scan_site(tmp_path)
    assert forks and parallel == serial
    assert len(serial) == 15 and serial[0].path == "press-kit.zip!word/document.xml"


def test_files_passed_in_the_last_build_are_not_read_again_and_a_leak_is_never_remembered(tmp_path, monkeypatch):
    from exemplar.gate import CleanFiles

    monkeypatch.delenv("EXEMPLAR_NO_CACHE", raising=False)
    root, site = tmp_path / "root", tmp_path / "site"
    root.mkdir()
    site.mkdir()
    (site / "clean.html").write_text("<p>正文</p>", encoding="utf-8")
    (site / "leak.html").write_text("<p>电话 13912345678</p>", encoding="utf-8")
    first = CleanFiles(root, ["0312-5012021"])
    assert [leak.path for leak in scan_site(site, ["0312-5012021"], first)] == ["leak.html"]
    first.save()

    # A file whose bytes were passed is not read: replace the scanner to see what is.
    from exemplar import gate

    read = []
    real = gate._scan_text
    monkeypatch.setattr(gate, "_scan_text", lambda name, data, *args: read.append(name) or real(name, data, *args))
    second = CleanFiles(root, ["0312-5012021"])
    assert [leak.path for leak in scan_site(site, ["0312-5012021"], second)] == ["leak.html"]
    assert read == ["leak.html"]  # the leaking file is read every time

    # Other published numbers: every file is read again.
    read.clear()
    assert [leak.path for leak in scan_site(site, ["0312-5012022"], CleanFiles(root, ["0312-5012022"]))] == ["leak.html"]
    assert sorted(read) == ["clean.html", "leak.html"]

    # Changed bytes are read again, even under the same name.
    read.clear()
    (site / "clean.html").write_text("<p>电话 13912340000</p>", encoding="utf-8")
    leaks = scan_site(site, ["0312-5012021"], CleanFiles(root, ["0312-5012021"]))
    assert sorted(leak.path for leak in leaks) == ["clean.html", "leak.html"]


def card(digits: str) -> str:
    """``digits`` with its Luhn check digit, grouped by four as cards are printed."""
    total = sum(sum(divmod(int(d) * (2 if i % 2 == 0 else 1), 10)) for i, d in enumerate(reversed(digits)))
    number = digits + str(-total % 10)
    return " ".join(number[i:i + 4] for i in range(0, len(number), 4))


def test_a_large_text_is_read_in_two_parts_that_miss_nothing_at_their_seam(tmp_path, monkeypatch):
    from exemplar import forked, gate

    filler = "正文" * 300
    # Mobiles and a card number behind its keyword (which decides whether it counts), over and over.
    text = "".join(f"{filler}电话 1391234{n:04d}，卡号：{card(f'62220212345678{n}')}\n" for n in range(6))
    whole = list(gate._scan_text("search/search_index.json", text.encode(), ()))
    assert len(whole) == 12
    for cut in range(len(filler) - 30, len(filler) + 60):  # the seam moved through a mobile, a keyword, a card
        seam = gate._boundary(text, cut)
        assert seam - cut < 40  # not past the number it landed in
        parts = [*gate._scan_region("search/search_index.json", text, (), 0, seam),
                 *gate._scan_region("search/search_index.json", text, (), seam, len(text))]
        assert parts == whole, cut

    monkeypatch.setattr(gate, "SPLIT_BYTES", 1000)
    monkeypatch.setattr(gate, "PARALLEL_MIN_FILES", 1)
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "search_index.json").write_text(text, encoding="utf-8")
    forks = []
    real_fork = forked.fork
    monkeypatch.setattr(forked, "fork", lambda: forks.append(1) or real_fork())
    clean = gate.CleanFiles(None)
    leaks = scan_site(tmp_path, (), clean)
    assert forks and [leak.describe() for leak in leaks] == [leak.describe() for leak in whole]
    assert not clean.passed  # one part leaked: the file is not clean, whatever the other part says
