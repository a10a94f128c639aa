"""Demo data for the member database (filled in below)."""

import random


def seed(*, scale: str, rng: random.Random) -> dict[str, int]:
    return {"members": 0}
