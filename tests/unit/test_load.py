"""Reading files: encodings, newlines, front matter, discovery."""

from pathlib import PurePosixPath

from exemplar.load import DocumentRef, decode, load_site, read_document, split_front_matter

P = PurePosixPath("stories/a/index.md")


def test_bom_and_crlf_are_accepted():
    text, problem = decode("\ufeff---\r\nname: 张三\r\n---\r\n正文\r\n".encode("utf-8"), P)
    assert problem is None
    assert text == "---\nname: 张三\n---\n正文\n"


def test_gbk_is_named_with_the_line_of_the_first_bad_byte():
    data = "---\nname: zhang\nregion: 莲池区\n---\n".encode("gbk")
    _, problem = decode(data, P)
    assert problem.code == "E101" and problem.line == 3 and "GBK" in problem.message
    assert "iconv" in problem.hint


def test_utf16_is_named():
    _, problem = decode("---\n".encode("utf-16"), P)
    assert problem.code == "E101" and "UTF-16" in problem.message


def test_nul_bytes_are_refused():
    _, problem = decode(b"---\nname: a\x00\n", P)
    assert problem.code == "E101" and problem.line == 2


def test_front_matter_split_reports_body_line():
    front, body, body_line = split_front_matter("---\na: 1\n---\n\n正文\n", P)
    assert front == "a: 1" and body == "\n正文\n" and body_line == 4


def test_missing_and_unclosed_front_matter_are_line_one():
    assert split_front_matter("name: a\n", P).code == "E102"
    assert split_front_matter("---\nname: a\n", P).code == "E103"
    assert split_front_matter("---\nname: a\n", P).line == 1


def read_story(root, slug):
    problems = []
    read_document(root, DocumentRef("story", PurePosixPath(f"stories/{slug}/index.md"), slug), problems)
    return problems


def test_stray_files_and_hidden_folders_are_not_content(make_site):
    root = make_site({
        "stories/notes.txt": "备忘",
        "stories/.DS_Store": b"\x00\x01",
        "stories/.hidden/index.md": "not content",
        "stories/zhang-san/报名表.xlsx": b"PK\x03\x04",
    })
    loaded = load_site(root)
    assert [d.name for d in loaded.documents if d.kind == "story"] == ["zhang-san"]
    assert loaded.problems == []


def test_folder_without_index_is_reported(make_site):
    root = make_site({"stories/li-si/portrait.jpg": b""})
    problems = load_site(root).problems
    assert [(p.code, str(p.file)) for p in problems] == [("E112", "stories/li-si/index.md")]


def test_huge_file_is_refused_without_reading_it(make_site):
    root = make_site({"stories/li-si/index.md": "---\nname: a\n---\n" + "字" * 400_000})
    assert [p.code for p in read_story(root, "li-si")] == ["E111"]


def test_empty_front_matter_is_an_error(make_site):
    root = make_site({"stories/li-si/index.md": "---\n---\n正文\n"})
    assert [(p.code, p.line) for p in read_story(root, "li-si")] == [("E107", 1)]
