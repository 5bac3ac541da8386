"""The strict YAML reader: positions, scalars kept as written, traps refused."""

from pathlib import PurePosixPath

import pytest

from exemplar.yamlsafe import YMap, YScalar, YSeq, parse_yaml

F = PurePosixPath("x.yml")


def parse(text: str, offset: int = 0):
    node, problems = parse_yaml(text, F, offset)
    return node, [(p.code, p.line, p.column) for p in problems]


def test_scalars_stay_as_written_not_yaml_1_1():
    node, problems = parse("a: no\nb: 010\nc: 0312-1234567\nd: 1e3\ne: on\nf: 2021-05-30\n")
    assert problems == []
    assert {k.text: v.text for k, v in node.items} == {
        "a": "no", "b": "010", "c": "0312-1234567", "d": "1e3", "e": "on", "f": "2021-05-30"}


def test_positions_are_file_lines_after_offset():
    node, _ = parse("name: 张三\nfields:\n  - 农业科技\n", offset=1)
    assert node.get("name").pos.line == 2
    fields = node.get("fields")
    assert isinstance(fields, YSeq)
    assert (fields.items[0].pos.line, fields.items[0].pos.column) == (4, 5)


def test_null_is_only_a_plain_null():
    node, _ = parse("a:\nb: ~\nc: 'null'\n")
    assert node.get("a").is_null and node.get("b").is_null
    assert not node.get("c").is_null


def test_duplicate_key_names_both_lines():
    node, problems = parse("name: a\nregion: b\nname: c\n")
    assert node is None and problems == [("E108", 3, 1)]
    _, found = parse_yaml("name: a\nregion: b\nname: c\n", F)
    assert "第 1 行" in found[0].message


def test_duplicate_keys_in_nested_maps_are_found():
    _, problems = parse("portrait:\n  file: a.jpg\n  file: b.jpg\n")
    assert problems == [("E108", 3, 3)]


def test_alias_bomb_is_refused_at_the_first_anchor():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8))
    assert len(bomb.encode()) < 600
    node, problems = parse(bomb)
    assert node is None and problems == [("E109", 1, 4)]


def test_alias_without_anchor_is_refused():
    assert parse("a: *missing\n")[1][0][0] in ("E109", "E104")


@pytest.mark.parametrize("text", ["a: !!str 1\n", "a: !custom x\n", "a: !!python/object:os.system x\n", "a: !x [1]\n"])
def test_tags_are_refused(text):
    assert parse(text)[1][0][0] == "E110"


def test_full_width_colon_is_named_at_its_column():
    node, problems = parse("name: 张三\nregion： 莲池区\n")
    assert problems == [("E105", 2, 7)]


def test_full_width_colon_inside_a_value_is_fine():
    node, problems = parse("quote: 他说：“科学没有捷径。”\n")
    assert problems == [] and node.get("quote").text == "他说：“科学没有捷径。”"


def test_full_width_colon_inside_a_block_scalar_is_fine():
    node, problems = parse("summary: |\n  Note： 这是正文\nname: 张三\n")
    assert problems == [] and isinstance(node, YMap)


def test_tab_indentation_is_named():
    assert parse("fields:\n\t- a\n")[1] == [("E106", 2, 1)]


def test_syntax_error_has_a_position_and_chinese_message():
    _, found = parse_yaml("a: [1, 2\nb: 3\n", F)
    assert found[0].code == "E104" and found[0].line is not None
    assert "YAML 语法错误" in found[0].message


def test_unclosed_quote_points_at_the_quote():
    assert parse('a: 1\nb: "abc\nc: 2\n')[1] == [("E104", 2, 4)]


def test_more_than_one_document_is_an_error():
    assert parse("a: 1\n---\nb: 2\n")[1][0][0] == "E104"


def test_deep_nesting_is_refused_without_recursion():
    text = "a: " + "[" * 5000 + "]" * 5000 + "\n"
    node, problems = parse(text)
    assert node is None and problems[0][0] == "E104"


def test_complex_keys_are_refused():
    assert parse("? [a, b]\n: c\n")[1][0][0] == "E113"


def test_empty_document_is_none_without_problems():
    assert parse("") == (None, [])
    assert parse("# only a comment\n") == (None, [])


def test_scalar_document():
    node, problems = parse("just text\n")
    assert isinstance(node, YScalar) and problems == []
