"""Property tests: whatever an editor writes, check returns problems or a model, never a traceback."""

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exemplar.load import decode
from exemplar.pipeline import check
from exemplar.yamlsafe import parse_yaml

from pathlib import PurePosixPath

YAML_ALPHABET = string.ascii_letters + string.digits + " :-[]{},#&*!|>'\"\n\t?%@`~.\\/" + "：张三莲池区，。“”"
FIELDS = ["name", "affiliation", "region", "fields", "headline", "summary", "status", "portrait", "photos",
          "born", "died", "consent", "related", "featured", "honors", "links", "video", "era", "gender"]

scalars = st.one_of(st.text(YAML_ALPHABET, max_size=30), st.integers(), st.booleans(), st.none())
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(FIELDS + ["file", "alt", "x"]), inner, max_size=4)),
    max_leaves=12)


def _yaml_of(value, indent=0) -> str:
    pad = " " * indent
    if isinstance(value, dict):
        return "".join(f"{pad}{k}:\n{_yaml_of(v, indent + 2)}" if isinstance(v, (dict, list)) and v
                       else f"{pad}{k}: {_inline(v)}\n" for k, v in value.items())
    if isinstance(value, list):
        return "".join(f"{pad}-\n{_yaml_of(v, indent + 2)}" if isinstance(v, (dict, list)) and v
                       else f"{pad}- {_inline(v)}\n" for v in value)
    return f"{pad}{_inline(value)}\n"


def _inline(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return "{}" if isinstance(value, dict) else "[]"
    return str(value).replace("\n", " ")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(YAML_ALPHABET, max_size=200))
def test_any_text_parses_to_a_tree_or_problems(text):
    node, problems = parse_yaml(text, PurePosixPath("x.yml"))
    assert node is None or not problems
    for problem in problems:
        assert problem.line is not None and problem.line >= 1


@settings(max_examples=200)
@given(st.binary(max_size=200))
def test_any_bytes_decode_or_give_a_located_problem(data):
    text, problem = decode(data, PurePosixPath("x.md"))
    assert (problem is None) or (problem.code == "E101" and problem.line >= 1)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(front=st.one_of(st.dictionaries(st.sampled_from(FIELDS), values, max_size=10),
                       st.text(YAML_ALPHABET, max_size=300)),
       body=st.text(max_size=50))
def test_any_front_matter_gives_problems_or_a_model(base_site, front, body):
    text = front if isinstance(front, str) else _yaml_of(front)
    (base_site / "stories" / "li-si").mkdir(exist_ok=True)
    (base_site / "stories" / "li-si" / "index.md").write_text(f"---\n{text}\n---\n{body}", encoding="utf-8")
    result = check(base_site)
    if result.ok:
        assert result.site is not None and any(e.slug == "li-si" for e in result.site.exemplars)
    else:
        assert result.site is None
        assert all(p.file and p.code for p in result.problems)
