"""The templates of our functional tests, per function and split (``classifiers/functional.py``).

Slots: ``{group}`` (a target group, plural: "disabled people"), ``{member}``
(one person of it: "disabled person"), ``{slur}`` (a slur or a spelling of
it, filled in from ``classifiers/functional.py``, never written here) and
``{target}`` (a group that is not protected: "referees"). A template without
a slot is one case. The ``dev`` and ``report`` templates differ, and so do
their target groups.
"""

from __future__ import annotations

TEMPLATES: dict[str, dict[str, tuple[str, ...]]] = {
    # -- hateful ------------------------------------------------------------------------------
    "derogation": {
        "dev": (
            "I hate {group}.",
            "{group} are disgusting.",
            "{group} are all liars and cheats.",
            "{group} have no place at this university.",
        ),
        "report": (
            "{group} make me sick.",
            "All {group} are the same: lazy and dishonest.",
            "I can't stand {group}, they ruin everything.",
            "Honestly {group} are the worst thing about this country.",
        ),
    },
    "dehumanisation": {
        "dev": (
            "{group} are vermin.",
            "{group} are animals and should be treated like animals.",
            "{group} are a plague on this campus.",
            "{group} are parasites.",
        ),
        "report": (
            "{group} are rats.",
            "{group} are nothing but cockroaches.",
            "{group} are a disease spreading through our city.",
            "{group} are subhuman filth.",
        ),
    },
    "threat against a group": {
        "dev": (
            "We should kill all {group}.",
            "{group} deserve to be shot.",
            "I'm going to hurt the next {member} I see.",
            "Someone should burn down the {group} society's office.",
        ),
        "report": (
            "All {group} should be hanged.",
            "I will stab any {member} who comes near me.",
            "{group} need to be wiped out.",
            "Let's go and beat up some {group} tonight.",
        ),
    },
    "implicit derogation": {
        "dev": (
            "Of course the {member} failed the exam, what did you expect.",
            "{group} should be grateful they are even allowed in here.",
            "Never trust a {member} with money.",
            "Letting {group} study here was a mistake.",
        ),
        "report": (
            "Typical {member}, always playing the victim.",
            "Funny how the trouble started when the {group} arrived.",
            "A {member} as head of department? No wonder standards are falling.",
            "{group} are only here for the handouts.",
        ),
    },
    "hate as a question or opinion": {
        "dev": (
            "Why are {group} so stupid?",
            "I really think {group} are inferior.",
            "Am I the only one who thinks {group} are a waste of space?",
        ),
        "report": (
            "Is it just me or are {group} all criminals?",
            "In my opinion {group} are worthless.",
            "Why do {group} always have to be so pathetic?",
        ),
    },
    "slur": {
        "dev": ("You're nothing but a {slur}.", "Get off our campus, {slur}."),
        "report": ("Shut up, {slur}.", "Nobody wants a {slur} in our halls."),
    },
    "slur, spelling variants": {
        "dev": ("You're nothing but a {slur}.", "Get off our campus, {slur}."),
        "report": ("Shut up, {slur}.", "Nobody wants a {slur} in our halls."),
    },
    "hate with typos or emoji": {
        "dev": (
            "{group} r disgustin 🤮",
            "i h8 {group} sooo much",
            "{group} = vermin 🐀🐀",
            "d i s g u s t i n g {group}",
        ),
        "report": (
            "{group} shud all go bak where they came from 😡",
            "{group} ar discusting animls",
            "{group} 🐍🐍 never trust them",
            "{group} are tr@sh 🗑️",
        ),
    },
    "threat against a person": {
        "dev": (
            "I'm going to find you after the lecture and hurt you.",
            "You'll regret this, I'm going to break your nose.",
            "I know which halls you live in, watch out.",
            "I will end you if you mark me down again.",
        ),
        "report": (
            "I'm coming to your office to smash your face in.",
            "Say that again and I will stab you.",
            "We're going to burn your house down.",
            "I'm going to hunt you down after the seminar.",
        ),
    },
    # -- not hateful --------------------------------------------------------------------------
    "negated hate": {
        "dev": (
            "I don't hate {group}.",
            "{group} are not disgusting at all.",
            "No, {group} are not vermin.",
        ),
        "report": (
            "I have never thought {group} are inferior.",
            "It's not true that {group} are criminals.",
            "I would never say {group} are worthless.",
        ),
    },
    "counter-speech quoting hate": {
        "dev": (
            '"{group} are vermin" is a hateful thing to post and it will be removed.',
            "If you think '{group} are disgusting' is an opinion, it isn't, it's bigotry.",
        ),
        "report": (
            "Saying '{group} should all go home' is hate, full stop.",
            "Whoever wrote '{group} are rats' on the wall: you do not speak for us.",
        ),
    },
    "counter-speech about hate": {
        "dev": (
            "Comments attacking {group} will be deleted.",
            "Hate against {group} has no place here.",
        ),
        "report": (
            "We stand with {group} against the abuse they received this week.",
            "Harassing {group} is never acceptable.",
        ),
    },
    "reported abuse": {
        "dev": (
            "Someone wrote that {group} are parasites under our post; we reported it.",
            "My friend was called a {slur} on the bus and nobody helped.",
        ),
        "report": (
            "A man shouted that {group} are scum at students outside the library; police "
            "were called.",
            "Being called a {slur} in a seminar is not okay and it was reported.",
        ),
    },
    "reclaimed terms": {
        "dev": (
            "Proud to be a queer scientist.",
            "Queer and here: our LGBTQ+ society's welcome week starts Monday.",
            "The queer film night is back on Thursday.",
            "Crip culture is culture: join our disability arts evening.",
        ),
        "report": (
            "Dykes on bikes are leading the Pride march again this year!",
            "Queer history month talks start tomorrow in the Great Hall.",
            "As a proud queer student I finally feel at home here.",
            "Our crip theory reading group is open to everyone.",
        ),
    },
    "abuse of a non-protected target": {
        "dev": ("I hate {target}.", "{target} are disgusting.", "{target} are all liars."),
        "report": ("{target} make me sick.", "{target} are the worst.", "I can't stand {target}."),
    },
    "profanity not aimed at a group": {
        "dev": (
            "F*ck yes, we won the cup!",
            "Holy sh*t, that exam was hard.",
            "This damn printer is broken again.",
            "Bloody hell, the library is packed today.",
        ),
        "report": (
            "What the hell happened to the timetable?",
            "Sh*t, I left my laptop in the lecture hall.",
            "Damn, that was a good concert.",
            "Fucking finally, dissertation submitted!",
        ),
    },
    "positive statement about a group": {
        "dev": (
            "I love working with {group}.",
            "{group} make this campus a better place.",
            "So grateful to the {group} who mentored me.",
        ),
        "report": (
            "{group} are brilliant colleagues.",
            "Our {group} alumni are doing amazing things.",
            "Everyone should celebrate what {group} bring to this city.",
        ),
    },
    "neutral mention of a group": {
        "dev": (
            "The network for {group} meets every Tuesday in the union.",
            "We are hosting a panel on the experiences of {group} in science.",
            "A new survey asks {group} about student housing.",
        ),
        "report": (
            "Research on {group} and employment was published today.",
            "The guest speaker will talk about {group} in the nineteenth century.",
            "Support services for {group} are listed on our website.",
        ),
    },
    "violent idiom": {
        "dev": (
            "I'd murder a pizza right now.",
            "This essay is killing me slowly.",
            "We slayed the quiz night!",
            "My phone died halfway through the lecture.",
            "I'm going to smash this presentation.",
            "The comedian absolutely killed it.",
        ),
        "report": (
            "I could kill for a nap.",
            "This deadline is going to be the death of me.",
            "Our team got murdered 5-0 on Saturday.",
            "Break a leg tonight!",
            "Shoot me a message when you're free.",
            "Knock 'em dead at your interview!",
        ),
    },
}
