"""Realistic synthetic data for demos and benchmarks: valid credit codes,
Chinese company and person names. Deterministic for a given seed."""

import random
import string

from stdnum.cn import uscc

ORG_ALPHABET = string.digits + "ABCDEFGHJKLMNPQRTUWXY"  # GB 32100 excludes I O Z S V
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]

CITY_PREFIXES = ["北京", "北京市"]
NAME_WORDS = list(
    "华信达通联创新源恒泰宏远瑞丰鑫盛博安和润祥云智汇德诚金辉中科天成海星明嘉"
    "荣兴隆弘毅卓越锦程正宇鼎新景致晨光立方百川万象启明聚合东方朝阳望京国贸"
)
TRADES = [
    ("科技", "6513"),
    ("信息技术", "6520"),
    ("软件", "6513"),
    ("文化传媒", "8760"),
    ("商贸", "5191"),
    ("餐饮管理", "6210"),
    ("建筑工程", "4890"),
    ("物业管理", "7020"),
    ("咨询", "7243"),
    ("医药", "5151"),
    ("电子", "3990"),
    ("教育科技", "8399"),
    ("广告", "7251"),
    ("物流", "5438"),
    ("房地产开发", "7010"),
]
SUFFIXES = ["有限公司", "有限责任公司", "股份有限公司"]
SURNAMES = list("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志")


def org_code_check(body: str) -> str:
    total = sum(ORG_ALPHABET.index(c) * w for c, w in zip(body, ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def make_uscc(rng: random.Random, division: str = "110105", kind: str = "1") -> str:
    """A credit code that passes both the organisation-code and the final check."""
    body = "".join(rng.choice(string.digits) for _ in range(8))
    base = "9" + kind + division + body + org_code_check(body)
    return base + uscc.calc_check_digit(base + "0")


def company_name(rng: random.Random) -> tuple[str, str]:
    """A plausible company name and the GB/T 4754 class its trade suggests."""
    words = "".join(rng.sample(NAME_WORDS, 2))
    trade, industry = rng.choice(TRADES)
    return f"{rng.choice(CITY_PREFIXES)}{words}{trade}{rng.choice(SUFFIXES)}", industry


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))
