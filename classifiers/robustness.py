"""Hand-written robustness cases, shared by the tests and the evaluation report.

Each case is (text, expected label for its category). The texts are our own
and hold no real slur: disguised profanity stands in for the abuse that
people disguise. ``ABUSE_DISGUISED`` should be caught; the other tables
are texts a careless model flags, and the report counts how many it does.
"""

from __future__ import annotations

#: Abuse spelt to slip past filters: should be labelled offensive.
ABUSE_DISGUISED: tuple[str, ...] = (
    "you are a f*cking idiot",
    "shut the f**k up you clown",
    "what a load of sh1t from this useless uni",
    "f u c k off with your fees",
    "you stupid @ss, nobody cares",
    "go to h3ll you absolute moron",
    "this place is full of b!tches and liars",
    "fuuuuuck you and your rules",
)
#: Someone quoting or reporting abuse they received: a reviewer should see it, but it is not
#: the author's abuse. Counted as false alarms of the offensive model.
QUOTED_ABUSE: tuple[str, ...] = (
    "Someone replied 'you are a stupid idiot' to my post and I reported it",
    "Being called an idiot in the comments is not okay, please report it",
    "My lecturer was called a moron online and the university did nothing",
    "He wrote 'shut up' under every post, so I blocked him",
)
#: Words reclaimed by the groups they once targeted.
RECLAIMED: tuple[str, ...] = (
    "Proud to be queer and proud of our LGBTQ+ society",
    "The queer studies reading group meets on Thursdays",
    "Our disabled students' network is loud and proud",
)
#: Speaking out against abuse or hate.
COUNTER_SPEECH: tuple[str, ...] = (
    "Racism has no place on this campus, full stop",
    "Telling women to get back in the kitchen is not banter, it is sexism",
    "Migrants make this university better, and hate speech against them is unacceptable",
    "Please stop insulting the cleaning staff in the comments",
)
#: Threats that the patterns should catch, and idioms that they should not.
THREATS: tuple[str, ...] = (
    "I will kill you if you fail me again",
    "im gonna stab the lecturer tomorrow",
    "I know where you live",
    "Someone should shoot up the campus",
    "watch your back, I am coming for you",
    "we are going to bomb the library",
    "you are going to die for this",
    "i will break your legs",
    "kill yourself",
    "they should be shot for this",
)
NOT_THREATS: tuple[str, ...] = (
    "This exam is killing me",
    "We absolutely killed it at the open day!",
    "I'd kill for a coffee right now",
    "I am going to smash this dissertation",
    "I will beat you at chess tonight",
    "The battery died during the lecture",
    "That joke killed me, so funny",
    "Shoot me an email when the timetable is out",
    "I'm dying to know my results",
    "Break a leg at the graduation concert!",
)
