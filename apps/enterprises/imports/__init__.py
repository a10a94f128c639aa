"""Enterprise roster and ledger import (issue 3, section 6): upload safety, readers,
validation with a full error report, staging, all-or-nothing idempotent upsert."""
