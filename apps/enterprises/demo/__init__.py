"""Demo enterprises and their economic ledger for seed_demo.

``small`` (make run) gives about 300 enterprises over all 43 街乡, with 30 each in 建外 and
朝外 where the street personas work; ``district`` gives 300,000 enterprises x 12 quarters.
The 12 quarters end at the last complete quarter before today, so the demo stays current.

Everything is synthetic and deterministic for a given seed. Enterprises are generated one at
a time and written in chunks (COPY on PostgreSQL, executemany on SQLite), so the 3.6 million
ledger rows are never all in memory. Running it again only tops the table up to the target.

Deliberate oddities, so the data-quality rules have something to find (each about 0.1-0.2%
of ledger rows, and a few forced ones in 建外/朝外 at any scale):
- tax above revenue; a quarter entered in 千元 instead of 万元 (x10 jump, QoQ/YoY rules);
- negative revenue (a 红冲 reversal); revenue with 0 employees;
- a few credit codes registered outside Beijing (region not 11xxxx);
- missing values: R&D, employees or assets left empty in ~1% of rows, revenue in ~0.3%.
Apart from these, every figure is non-negative except profit, which may be a loss.
Deregistered / moved-out enterprises (~3%) stop filing at their exit quarter and ~1.5% of
active ones have not filed the latest quarter yet, so "has not filed" filters find some.
"""

import random
import sys
from itertools import islice

from django.conf import settings
from django.db import connection

from apps.enterprises import sizing
from apps.enterprises.models import Enterprise, LedgerEntry, LedgerFlag

from .generator import PERSONA_STREETS, DemoEnterprise, Reference, generate, periods
from .writer import Writer

# Overridable (DEMO_ENTERPRISE_COUNTS) so a test of `seed_demo --scale district` stays quick.
SCALES = {"small": 300, "district": 300_000}
CHUNK = 5_000
PROGRESS_EVERY = 50_000

__all__ = ["DemoEnterprise", "Reference", "ensure_enterprise_for", "generate", "periods", "seed"]


def _targets() -> dict[str, int]:
    return getattr(settings, "DEMO_ENTERPRISE_COUNTS", SCALES)


def seed(*, scale: str, rng: random.Random) -> dict[str, int]:
    """Top the enterprises up to the scale's target count, each with its ledger."""
    personas = _ensure_persona_enterprises()
    target = _targets()[scale]
    missing = target - Enterprise.objects.count()
    if missing <= 0:
        return {"enterprises": personas, "ledger_entries": 0}
    ref = Reference.load()
    sizing.clear_caches()  # thresholds may have been cached before load_reference ran
    local = random.Random(rng.getrandbits(64))  # noqa: S311 (demo data)
    taken_codes = set(Enterprise.objects.values_list("uscc", flat=True))
    taken_names = set(Enterprise.objects.values_list("name", flat=True))
    stream = generate(
        ref,
        local,
        missing,
        quarters=periods(),
        taken_codes=taken_codes,
        taken_names=taken_names,
    )
    writer = Writer()
    made = ledger = 0
    new_ids: list[int] = []
    while batch := list(islice(stream, CHUNK)):
        ledger += writer.write(batch)
        new_ids.extend(writer.last_ids)
        before, made = made, made + len(batch)
        if made // PROGRESS_EVERY > before // PROGRESS_EVERY:
            sys.stderr.write(f"enterprises: {made:,}/{missing:,}, ledger rows: {ledger:,}\n")
    if writer.pg and made >= PROGRESS_EVERY:
        # Statistics of the fresh rows (ANALYZE sees our own uncommitted ones): without them
        # the planner takes the tables for empty and the quality check below runs 2x slower.
        _analyze(Enterprise, LedgerEntry)
    # The quality rules run now (about 40 s at district scale on PostgreSQL), so the
    # quality report has its flags right away rather than after the nightly check.
    if made >= PROGRESS_EVERY:
        sys.stderr.write("running the data-quality rules over the new ledger rows\n")
    flags = _quality_check(new_ids)
    if writer.pg and made >= PROGRESS_EVERY:
        _analyze(LedgerFlag)
    return {"enterprises": made, "ledger_entries": ledger, "quality_flags": flags}


def _ensure_persona_enterprises() -> int:
    """Enterprise-user accounts (bootstrap creates them first) get their enterprise."""
    from apps.accounts.models import User
    from apps.core.scoping import ScopeKind

    codes = User.objects.filter(scope_kind=ScopeKind.ENTERPRISE).exclude(scope_uscc="")
    made = 0
    for uscc in codes.values_list("scope_uscc", flat=True):
        if not Enterprise.objects.filter(uscc=uscc).exists():
            ensure_enterprise_for(uscc)
            made += 1
    return made


def _analyze(*models) -> None:
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _quality_check(enterprise_ids: list[int]) -> int:
    from apps.enterprises.quality import quality_check_enterprises

    return quality_check_enterprises(enterprise_ids).created


def ensure_enterprise_for(uscc: str, rng: random.Random | None = None) -> Enterprise:
    """The enterprise behind an enterprise-user persona: made in 建外 with 12 quarters of
    ledger if no enterprise has this credit code yet (the code is only known once the
    account exists)."""
    found = Enterprise.objects.filter(uscc=uscc).first()
    if found:
        return found
    rng = rng or random.Random(uscc)  # noqa: S311 (demo data)
    ref = Reference.load()
    sizing.clear_caches()
    taken = set(
        Enterprise.objects.filter(street__code=PERSONA_STREETS[0]).values_list("name", flat=True)
    )
    for _attempt in range(10):
        ent = next(
            generate(
                ref,
                rng,
                1,
                quarters=periods(),
                taken_codes=set(),
                taken_names=taken,
                street_code=PERSONA_STREETS[0],
                uscc=uscc,
            )
        )
        if not Enterprise.objects.filter(name=ent.name).exists():
            break
    writer = Writer()
    writer.write([ent])
    _quality_check(writer.last_ids)
    return Enterprise.objects.get(uscc=uscc)
