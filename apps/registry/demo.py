"""Demo chambers for seed_demo."""

import random

from .models import Chamber, Street

INDUSTRY_CHAMBERS = [
    "信息技术商会",
    "文化创意产业商会",
    "餐饮行业商会",
    "建筑装饰商会",
    "商贸流通商会",
    "医药健康商会",
    "现代服务业商会",
    "国际商务商会",
    "物业服务商会",
    "金融服务商会",
    "教育培训商会",
    "广告传媒商会",
    "物流商会",
    "汽车服务商会",
    "女企业家商会",
    "青年企业家商会",
    "新能源商会",
    "电子商务商会",
    "会展商会",
    "律师与咨询商会",
]
PROVINCES = [
    "浙江",
    "福建",
    "江苏",
    "广东",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "四川",
    "安徽",
    "江西",
    "河北",
    "山西",
    "陕西",
    "辽宁",
    "吉林",
    "黑龙江",
    "云南",
    "贵州",
    "重庆",
    "内蒙古",
    "广西",
    "海南",
    "甘肃",
    "宁夏",
    "青海",
    "新疆",
    "西藏",
    "天津",
    "上海",
]

SCALES = {"small": 12, "district": 300}


def seed(*, scale: str, rng: random.Random) -> dict[str, int]:
    target = SCALES[scale]
    streets = list(Street.objects.all())
    names: list[tuple[str, str, Street | None]] = []
    for street in streets:
        names.append((f"{street.short_name}商会", Chamber.Kind.STREET, street))
    for name in INDUSTRY_CHAMBERS:
        names.append((f"朝阳区{name}", Chamber.Kind.INDUSTRY, None))
    for province in PROVINCES:
        names.append((f"{province}企业商会（朝阳）", Chamber.Kind.OUT_OF_TOWN, None))
    n = 0
    while len(names) < target:
        n += 1
        street = rng.choice(streets)
        names.append(
            (f"{street.short_name}{INDUSTRY_CHAMBERS[n % 20]}{n}", Chamber.Kind.INDUSTRY, street)
        )
    # A small demo still shows every kind of chamber.
    if scale == "small":
        picked = names[:4] + names[len(streets) : len(streets) + 4] + names[-4:]
    else:
        picked = names[:target]
    existing = set(Chamber.objects.values_list("name", flat=True))
    new = [
        Chamber(name=name, kind=kind, street=street)
        for name, kind, street in picked
        if name not in existing
    ]
    Chamber.objects.bulk_create(new, batch_size=500)
    return {"chambers": len(new)}
