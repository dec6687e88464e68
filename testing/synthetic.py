"""Synthetic university social-media activity, for the demo, tests and benchmarks.

Everything here is invented: three official accounts, their posts, and
replies, comments and mentions by made-up members of the public. The
generator is seeded, so the same arguments give the same bytes (the bundled
demo file is regenerated with ``python -m testing.synthetic``).
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from schemas.kafka_codec import record_to_json
from schemas.records import Author, Kind, Platform, Record

BASE_TIME = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)


# key, platform, platform id, handle
DEMO_ACCOUNTS: tuple[tuple[str, Platform, str, str], ...] = (
    ("uni_main", "x", "1500000001", "UniOfficial"),
    ("uni_research", "x", "1500000002", "UniResearchNews"),
    ("uni_students", "facebook", "880000000001", "University Student Life"),
)

_POSTS = (
    "Open day this Saturday: campus tours every hour from 10am. Book your place online.",
    "Congratulations to our graduating class! Ceremonies run all week in the Great Hall.",
    "The library is open 24/7 during exam season. Good luck, everyone.",
    "New research on coastal flooding published today in our environmental science school.",
    "Applications for the summer research internships close on Friday.",
    "Our sports teams won three regional titles this weekend. Well played!",
    "Reminder: the campus cafe now offers a plant-based menu every day.",
    "Join our free public lecture on artificial intelligence and society next Tuesday.",
)
_REPLIES = (
    "Great news, well done to everyone involved!",
    "Is parking available on campus for the open day?",
    "Will the lecture be recorded for those who cannot attend?",
    "The library wifi keeps dropping on the third floor, please fix it.",
    "So proud of my daughter graduating this week.",
    "When will the timetable for next term be published?",
    "Thanks for sharing, really interesting research.",
    "The queue at the cafe was huge today, more staff please.",
    "Any chance of more study spaces during exams?",
    "Loved the campus tour, the guides were brilliant.",
)
# Invented people and contact details (phone numbers in Ofcom's range reserved for drama).
_FIRST = ("Amelia", "Oliver", "Isla", "Harry", "Priya", "Tomasz", "Chloe", "Kwame", "Aisha", "Liam")
_LAST = (
    "Hughes",
    "Patel",
    "Nowak",
    "Okafor",
    "Campbell",
    "Murphy",
    "Khan",
    "Evans",
    "Reid",
    "Shaw",
)
_PERSONAL_REPLIES = (
    "my email is {first}.{last}{n}@example.com, nobody has answered me",
    "please call me on 07700 900{n3} about my accommodation",
    "Thanks {First} {Last} for sorting out my timetable!",
    "my student number is {student}, the portal still rejects my login",
    "I live at {n} {Last} Road, can the parcel office hold my post?",
)
_OFFICIAL_WITH_PERSONAL_DATA = (
    "Well done {First} {Last}! Questions? Email {first}.{last}@example.com",
    "Congratulations to {First} {Last}, reach her on 07700 900{n3}",
)
_MENTIONS = (
    "Just visited {handle} for the open day, lovely campus.",
    "Anyone else waiting for {handle} to announce the results?",
    "Shout out to {handle} for the free lecture series.",
)


def demo_account_settings() -> list[dict[str, str]]:
    """The demo accounts as ``[[accounts]]`` config entries (for tests and benchmarks)."""
    return [
        {
            "key": key,
            "platform": platform,
            "platform_id": platform_id,
            "handle": handle,
            "owner_email": "comms@university.example",
            "line_manager_email": "head-of-comms@university.example",
        }
        for key, platform, platform_id, handle in DEMO_ACCOUNTS
    ]


def _timestamp(minutes: float) -> datetime:
    return BASE_TIME + timedelta(minutes=minutes)


def generate_records(count: int, seed: int = 7) -> Iterator[Record]:
    """``count`` records: about one post per ten items, the rest replies, comments, mentions."""
    rng = random.Random(seed)
    threads: dict[str, list[tuple[str, str]]] = {key: [] for key, *_ in DEMO_ACCOUNTS}
    native = 10_000_000
    for index in range(count):
        key, platform, account_id, handle = DEMO_ACCOUNTS[index % len(DEMO_ACCOUNTS)]
        native += rng.randint(1, 50)
        # One item every 15 seconds or so: 100,000 items span 17 days, all in the past.
        created = _timestamp(index * 0.25 + rng.random() / 4)
        observed = created + timedelta(minutes=rng.randint(1, 30))
        roll = rng.random()
        if not threads[key] or roll < 0.1:
            text = rng.choice(_POSTS)
            if rng.random() < 0.03:  # an official post that leaks someone's details (7.13)
                text = _personal(rng, rng.choice(_OFFICIAL_WITH_PERSONAL_DATA))
            kind: Kind = "post"
            author = Author(id=account_id, handle=handle, is_official=True)
            parent = None
            conversation = str(native)
            threads[key].append((str(native), str(native)))
        elif roll < 0.15 and platform == "x":
            text = rng.choice(_MENTIONS).format(handle=f"@{handle}")
            kind = "mention"
            author = _public_author(rng)
            parent = None
            conversation = str(native)
        else:
            parent_native, conversation_native = rng.choice(threads[key][-20:])
            text = rng.choice(_REPLIES)
            if rng.random() < 0.08:
                text = _personal(rng, rng.choice(_PERSONAL_REPLIES))
            kind = "reply" if platform == "x" else "comment"
            author = _public_author(rng)
            parent = Record.make_id(platform, parent_native)
            conversation = conversation_native
        native_id = str(native)
        yield Record(
            id=Record.make_id(platform, native_id),
            platform=platform,
            kind=kind,
            account=key,
            accounts=(key,),
            native_id=native_id,
            parent_id=parent,
            conversation_id=conversation,
            author=author,
            text=text,
            lang="en",
            created_at=created,
            observed_at=observed,
            url=_url(platform, handle, native_id, author.is_official),
            deleted=False,
        )


#: A few hostile comments of our own (no real slur), so the demo shows what the
#: classifiers flag: abuse, a threat, a known false claim.
_HOSTILE = (
    "This place is a f*cking joke and the admin are useless idiots",
    "Shut up you stupid clowns, nobody cares about your rubbish",
    "I know where you live, watch your back",
    "5G masts on campus are what spread the coronavirus, wake up",
    "You are all pathetic losers, what a sh1t university",
)


def demo_text(rng: random.Random, kind: str) -> str:
    """Text for the API simulators' activity: the demo data's posts and replies, some with
    invented personal details, a few hostile (``kind`` is post, reply, comment or mention)."""
    if kind == "post":
        if rng.random() < 0.03:
            return _personal(rng, rng.choice(_OFFICIAL_WITH_PERSONAL_DATA))
        return rng.choice(_POSTS)
    if kind == "mention":
        return rng.choice(_MENTIONS).format(handle="the university")
    roll = rng.random()
    if roll < 0.08:
        return _personal(rng, rng.choice(_PERSONAL_REPLIES))
    if roll < 0.09:
        return rng.choice(_HOSTILE)
    return rng.choice(_REPLIES)


def _personal(rng: random.Random, template: str) -> str:
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    return template.format(
        first=first.lower(),
        last=last.lower(),
        First=first,
        Last=last,
        n=rng.randint(2, 99),
        n3=f"{rng.randint(0, 999):03d}",
        student=rng.randint(1_000_000, 99_999_999),
    )


def _public_author(rng: random.Random) -> Author:
    number = rng.randint(1, 5000)
    return Author(id=str(900_000_000 + number), handle=f"member{number}", is_official=False)


def _url(platform: Platform, handle: str, native_id: str, is_official: bool) -> str:
    if platform == "x":
        # A handle in a URL is only kept for official accounts; others use the id form.
        return (
            f"https://x.com/{handle}/status/{native_id}"
            if is_official
            else (f"https://x.com/i/web/status/{native_id}")
        )
    return f"https://www.facebook.com/{native_id}"


def record_line(record: Record) -> bytes:
    """One JSONL line (without newline) for a record."""
    return json.dumps(record_to_json(record), ensure_ascii=False, separators=(",", ":")).encode()


def malformed_lines(valid: Record) -> list[tuple[str, bytes]]:
    """Broken messages of every kind the pipeline must turn into dead letters."""
    good = record_to_json(valid)
    missing_field = {k: v for k, v in good.items() if k != "author"}
    wrong_type = {**good, "id": valid.id + "1", "native_id": valid.native_id + "1", "deleted": "no"}
    huge = {**good, "id": valid.id + "2", "native_id": valid.native_id + "2", "text": "a" * 70_000}
    return [
        ("invalid_json", b'{"id": "x:1", "platform": "x", "text": "unterminated'),
        ("missing_field", json.dumps(missing_field).encode()),
        ("wrong_type", json.dumps(wrong_type).encode()),
        ("invalid_utf8", _with_invalid_utf8(good)),
        ("text_too_long", json.dumps(huge).encode()),
        ("not_an_object", b"[1, 2, 3]"),
    ]


def _with_invalid_utf8(good: dict[str, object]) -> bytes:
    marked = {**good, "text": "INVALID-BYTES-HERE"}
    return json.dumps(marked).encode().replace(b"INVALID-BYTES-HERE", b"caf\xe9 \xff\xfe")


def demo_lines(count: int = 2000, seed: int = 7) -> list[bytes]:
    """The bundled demo file: records, later edits of some, a few of an unregistered
    account, and a few malformed lines."""
    rng = random.Random(seed + 1)
    records = list(generate_records(count, seed))
    lines = [record_line(record) for record in records]
    for record in rng.sample(records, 25):
        edited = Record(
            **{
                **{name: getattr(record, name) for name in record.__dataclass_fields__},
                "text": record.text + " (edited)",
                "observed_at": record.observed_at + timedelta(hours=2),
            }
        )
        lines.append(record_line(edited))
    # Items of an account that is not registered: counted as out of scope, never stored.
    for record in rng.sample(records, max(3, count // 100)):
        stray = Record(
            **{
                **{name: getattr(record, name) for name in record.__dataclass_fields__},
                "id": record.id + "9",
                "native_id": record.native_id + "9",
                "account": "unregistered_account",
                "accounts": ("unregistered_account",),
            }
        )
        lines.append(record_line(stray))
    bad = [line for _, line in malformed_lines(records[0])]
    for line in bad:
        lines.insert(rng.randrange(len(lines)), line)
    return lines


def main(argv: list[str] | None = None) -> None:
    """Write the demo file (or a larger one) as JSONL."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("output", type=Path)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    lines = demo_lines(args.count, args.seed)
    args.output.write_bytes(b"\n".join(lines) + b"\n")
    print(f"wrote {len(lines)} lines to {args.output}")


if __name__ == "__main__":
    main()
