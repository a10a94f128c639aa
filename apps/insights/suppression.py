"""Small-cell suppression for aggregates-only grades (docs/decisions/0011-insights.md).

The dashboard lets an aggregates-only user see any total of one quarter's enterprises
cut by 街乡, industry (section, then division), size class and member status, alone or
combined. All those totals together form a cube over four dimensions, each with an "all"
value, and every total is the sum of its children along any one dimension — so a hidden
total must not be recoverable from a shown parent minus its shown siblings, in any
direction. The rules, applied to the whole cube until nothing changes:

1. a total of 1 or 2 enterprises is hidden (primary suppression);
2. along each line (a parent and its children in one dimension), if the parent is shown,
   the hidden children are none, or at least two holding at least 3 enterprises together;
   if the parent is hidden, at least one child is hidden too (else adding them up gives
   it). The smallest shown children are hidden until that holds (complementary
   suppression); when no child is left to hide, the parent is hidden.

Only enterprise counts decide: every figure of a total (revenue, tax …) goes with its
count. The pattern depends on one quarter's counts in the user's scope and is cached by
the summary's generation, so a leader's pages look it up instead of computing it.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable

ALL = "*"
MIN_COUNT = 3

# A cell: (street_id | ALL, industry | ALL, size | ALL, member | ALL), industry being
# "S:<section>" or "D:<division>".
Cell = tuple


def section_key(section: str) -> str:
    return f"S:{section}"


def division_key(division: str) -> str:
    return f"D:{division}"


def cell_of(
    *, street_id=None, section: str = "", division: str = "", size: str = "", member=None
) -> Cell:
    """The cube cell of a query (unset dimensions are "all")."""
    if division:
        industry = division_key(division)
    elif section:
        industry = section_key(section)
    else:
        industry = ALL
    return (
        ALL if street_id is None else street_id,
        industry,
        size or ALL,
        ALL if member is None else member,
    )


class Pattern:
    """The hidden cells of one quarter's cube."""

    def __init__(self, hidden: set[Cell], counts: dict[Cell, int]):
        self.hidden = hidden
        self.counts = counts

    def is_hidden(self, cell: Cell) -> bool:
        return cell in self.hidden


def rollup_cell(street_id: int, industry: str, size: str, member: str) -> Cell:
    """The cube cell of a rollup row (models.Rollup)."""
    if not industry:
        ind = ALL
    elif len(industry) == 1:
        ind = section_key(industry)
    else:
        ind = division_key(industry)
    return (
        street_id or ALL,
        ind,
        size or ALL,
        ALL if not member else member == "member",
    )


def compute(rows: Iterable[tuple]) -> Pattern:
    """rows: (street_id, section, division, size_class, is_member, enterprises) of one
    quarter, finest grain. Returns the suppression pattern of the whole cube."""
    counts: dict[Cell, int] = defaultdict(int)
    sections: dict[str, str] = {}
    for street, section, division, size, member, n in rows:
        if not n:
            continue
        s_key, d_key = section_key(section), division_key(division)
        sections[division] = section
        for st in (street, ALL):
            for ind in (d_key, s_key, ALL):
                for sz in (size, ALL):
                    counts[(st, ind, sz, member)] += n
                    counts[(st, ind, sz, ALL)] += n
    return Pattern(compute_cube(dict(counts), sections), counts)


def compute_cube(counts: dict[Cell, int], sections: dict[str, str]) -> set[Cell]:
    """The hidden cells of a whole cube given every cell's count; `sections` maps each
    division code to its section."""
    up_industry = {division_key(d): section_key(s) for d, s in sections.items()}
    up_industry.update({section_key(s): ALL for s in sections.values()})
    # A stable order: ties between equally small cells always go the same way.
    cells = sorted((cell for cell, n in counts.items() if n > 0), key=repr)
    index = {cell: i for i, cell in enumerate(cells)}
    count = [counts[cell] for cell in cells]
    size = len(cells)
    # parents[i * 4 + dim]: the cell one level up in that dimension, or -1.
    parents = [-1] * (size * 4)
    lines: dict[int, list[int]] = defaultdict(list)  # parent * 4 + dim -> children
    for i, (street, industry, size_class, member) in enumerate(cells):
        ups = (
            None if street == ALL else (ALL, industry, size_class, member),
            None if industry == ALL else (street, up_industry[industry], size_class, member),
            None if size_class == ALL else (street, industry, ALL, member),
            None if member == ALL else (street, industry, size_class, ALL),
        )
        for dim, up in enumerate(ups):
            if up is not None:
                p = index[up]
                parents[i * 4 + dim] = p
                lines[p * 4 + dim].append(i)
    hidden = bytearray(size)
    for i in range(size):
        if count[i] < MIN_COUNT:
            hidden[i] = 1
    # Only lines with something hidden can break a rule.
    queue = deque()
    queued = set()
    for line, children in lines.items():
        if hidden[line // 4] or any(hidden[c] for c in children):
            queue.append(line)
            queued.add(line)

    def touch(i: int) -> None:
        for dim in range(4):
            p = parents[i * 4 + dim]
            if p >= 0:
                line = p * 4 + dim
                if line not in queued:
                    queued.add(line)
                    queue.append(line)
            line = i * 4 + dim
            if line in lines and line not in queued:
                queued.add(line)
                queue.append(line)

    while queue:
        line = queue.popleft()
        queued.discard(line)
        top = line // 4
        children = lines[line]
        while True:
            hid = [c for c in children if hidden[c]]
            if hidden[top]:
                ok = bool(hid)
            else:
                ok = not hid or (len(hid) >= 2 and sum(count[c] for c in hid) >= MIN_COUNT)
            if ok:
                break
            shown = [c for c in children if not hidden[c]]
            if shown:
                pick = min(shown, key=lambda c: (count[c], c))
                hidden[pick] = 1
                touch(pick)
            else:
                # Every child hidden and still not enough: the parent goes too.
                hidden[top] = 1
                touch(top)
                break
    return {cells[i] for i in range(size) if hidden[i]}
