"""Reruns a published one-to-one meeting lottery from its record, with nothing but the algorithm
as the README documents it, and prints the assignments as JSON. Written apart from the Rust code,
so that a test comparing the two checks the documentation as well as the code.

Reads the record (GET /api/v1/dialogues/{id}/allocation) on standard input. Exits non-zero when
the seed does not match its published SHA-256."""

import hashlib
import json
import sys
from datetime import datetime

record = json.load(sys.stdin)
seed = record["seed"]
if hashlib.sha256(seed.encode()).hexdigest() != record["seed_sha256"]:
    sys.exit("the seed does not match its published SHA-256")


def when(value):
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


slots = {s["id"]: (when(s["starts_at"]), when(s["ends_at"])) for s in record["slots"]}
wants = {p["invitation_id"]: p["slot_ids"] for p in record["preferences"] if p["slot_ids"]}

# The draw: SHA-256(seed + ":" + invitation_id) in hex, smallest first.
order = sorted(wants, key=lambda inv: (hashlib.sha256(f"{seed}:{inv}".encode()).hexdigest(), inv))
taken = set()
held = {inv: [] for inv in wants}
result = []
for round_no in range(1, record["meetings_per_supplier"] + 1):
    if round_no > 1:
        order.reverse()  # a snake draft
    for inv in order:
        for rank, slot_id in enumerate(wants[inv], start=1):
            if slot_id not in slots or slot_id in taken:
                continue
            start, end = slots[slot_id]
            if any(start < e and s < end for s, e in held[inv]):
                continue
            taken.add(slot_id)
            held[inv].append((start, end))
            result.append(
                {"slot_id": slot_id, "invitation_id": inv, "rank": rank, "round": round_no}
            )
            break

print(json.dumps(result))
