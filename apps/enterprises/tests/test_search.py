"""Enterprise search (issue 3 §5), on whichever database the suite runs against."""

import random

import pytest

from apps.core.demo import make_uscc
from apps.enterprises.models import Enterprise
from apps.enterprises.selectors import enterprise_search, parse_query
from apps.enterprises.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def names(queryset) -> set[str]:
    return set(queryset.values_list("name", flat=True))


def found(q: str) -> set[str]:
    return names(enterprise_search(Enterprise.objects.all(), q))


@pytest.fixture
def district(enterprise_a, enterprise_b, street_a):
    """enterprise_a 北京商务科技有限公司 (建外), enterprise_b 北京朝外餐饮管理有限公司
    (朝外), and these:"""
    EnterpriseFactory(name="北京东京商行有限公司", street=street_a)  # 北京 + 京商, not 北京商
    EnterpriseFactory(name="华为（北京）科技有限公司", street=street_a)
    EnterpriseFactory(
        name="朝阳启明咨询有限公司", former_names=["北京老字号酒业有限公司"], street=street_a
    )
    EnterpriseFactory(
        name="河北外地建筑工程有限公司",
        uscc=make_uscc(random.Random(13), division="130105"),
        street=street_a,
    )
    return Enterprise.objects.all()


def test_two_characters_find_names_containing_them_anywhere(district):
    assert found("商务") == {"北京商务科技有限公司"}
    assert found("餐饮") == {"北京朝外餐饮管理有限公司"}
    assert found("东京") == {"北京东京商行有限公司"}
    assert found("公司") == names(district)


def test_three_or_more_characters_must_be_adjacent_in_the_name(district):
    assert found("北京商务科技") == {"北京商务科技有限公司"}
    # 东京商行 holds 北京 and 京商 but not 北京商 in a row.
    assert found("北京商") == {"北京商务科技有限公司"}
    assert found("商务餐饮") == set()
    assert found("京商行") == {"北京东京商行有限公司"}


def test_brackets_and_punctuation_in_names_do_not_break_a_match(district):
    assert found("北京科技") == {"华为（北京）科技有限公司"}
    assert found("华为(北京)") == {"华为（北京）科技有限公司"}


def test_former_names_are_found(district):
    assert found("酒业") == {"朝阳启明咨询有限公司"}
    assert found("老字号酒业") == {"朝阳启明咨询有限公司"}
    assert found("启明咨询") == {"朝阳启明咨询有限公司"}


def test_credit_code_prefix(district, enterprise_a):
    prefix = enterprise_a.uscc[:16]
    assert found(prefix) == {"北京商务科技有限公司"}
    assert found(prefix.lower()) == {"北京商务科技有限公司"}
    assert found(enterprise_a.uscc) == {"北京商务科技有限公司"}
    assert found("9113") == {"河北外地建筑工程有限公司"}


def test_pinyin_initials(district):
    assert found("bjsw") == {"北京商务科技有限公司"}
    assert found("BJSW") == {"北京商务科技有限公司"}
    assert found("swkj") == {"北京商务科技有限公司"}  # anywhere in the name
    assert found("bjcwcy") == {"北京朝外餐饮管理有限公司"}
    assert found("zzzz") == set()


def test_full_width_input_is_normalised(district, enterprise_a):
    assert found("北京　商务") == {"北京商务科技有限公司"}  # ideographic space
    assert found("（商务）") == {"北京商务科技有限公司"}
    assert found("ｂｊｓｗ") == {"北京商务科技有限公司"}
    full_width_code = enterprise_a.uscc[:16].translate(
        {ord(c): ord(c) + 0xFEE0 for c in "0123456789"}
    )
    assert found(full_width_code) == {"北京商务科技有限公司"}


def test_empty_or_one_character_queries_leave_the_list_unfiltered(district):
    everyone = names(district)
    for q in ["", "   ", "北", "b", "（）", None]:
        assert found(q) == everyone, q
    assert parse_query("北") is None


def test_search_never_widens_the_callers_scope(district, street_a_clerk, enterprise_b):
    in_scope = Enterprise.objects.in_scope(street_a_clerk)
    for q in ["北京", "餐饮", "朝外", "bjcwcy", enterprise_b.uscc[:14], "北京朝外餐饮", ""]:
        result = enterprise_search(in_scope, q)
        assert enterprise_b.pk not in set(result.values_list("pk", flat=True)), q
    assert "北京商务科技有限公司" in names(enterprise_search(in_scope, "北京"))


def test_a_renamed_enterprise_is_found_by_its_old_name(district_admin, enterprise_a):
    from apps.enterprises import services

    services.enterprise_update(
        actor=district_admin, enterprise=enterprise_a, version=1, name="北京新篇章科技有限公司"
    )
    assert found("新篇章") == {"北京新篇章科技有限公司"}
    assert found("商务科技") == {"北京新篇章科技有限公司"}


def test_the_query_kind_follows_its_content():
    assert parse_query("91110105").code_prefix == "91110105"
    assert parse_query("bjsw").code_prefix == ""  # letters only: initials
    assert parse_query("bjsw").initials == "bjsw"
    assert parse_query("北京商务").grams == ["京商", "北京", "商务"]
