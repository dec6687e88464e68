"""Ordinary traffic around a university's accounts, written by us: two template families.

Family A feeds the ``dev`` split of the false-alarm set, family B the
``report`` split (``classifiers/ordinary.py``). The families share no
template and no filler, and B was written before any model was scored on
A, so a model chosen on A is measured on wording it has not seen. A
template holds at most one ``{slot}``; it expands to one text per filler.

None of the texts is abusive by its author: quoted or reported abuse and
counter-speech use mild insults and dehumanising words, never a slur.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TemplateFamily:
    """Templates per kind of text and the fillers of their slots."""

    name: str
    templates: dict[str, tuple[str, ...]]
    fillers: dict[str, tuple[str, ...]]


FAMILY_A = TemplateFamily(
    name="templates A",
    fillers={
        "dept": ("Chemistry", "History", "Computer Science", "Nursing", "Law", "Music"),
        "place": ("library", "student union", "sports hall", "main cafeteria", "science park"),
        "event": ("open day", "careers fair", "freshers' week", "alumni dinner", "charity run"),
        "team": ("the rowing team", "our netball squad", "the rugby first XV", "the chess club"),
        "rival": ("City", "the Tech", "St Mary's", "Riverside"),
    },
    templates={
        "comment": (
            "Loved every minute of the {event}, thank you to everyone who helped!",
            "The new {place} looks amazing, great job",
            "So proud of my daughter who starts {dept} in September",
            "Best lecturer I've ever had is in {dept}, genuinely inspiring",
            "Just spent six hours in the {place} and I regret nothing",
            "Congratulations to {team} on a brilliant season",
        ),
        "question": (
            "Does anyone know when the {place} opens on Sundays?",
            "Is the {event} open to parents as well?",
            "How do I apply for a late transfer into {dept}?",
            "Will there be vegan options at the {event}?",
            "Who do I email about a lost student card in the {place}?",
        ),
        "complaint": (
            "Third time this week the wifi in the {place} has gone down. Please sort it out.",
            "Still waiting for my marks from {dept}, this is really frustrating",
            "The queue at the {place} was over an hour today, not good enough",
            "Really disappointed that the {event} was cancelled with one day's notice",
            "Parking near the {place} is a nightmare, we need more spaces",
            "Why does {dept} always publish the timetable the night before term?",
        ),
        "announcement": (
            "We're hiring! Vacancy for a lab technician in {dept}, apply by Friday",
            "The {place} will close early on Monday for maintenance",
            "New research from {dept} on flood risk published today",
            "Flu vaccination clinic in the {place} this Tuesday, no appointment needed",
            "Applications for the {dept} summer school are now open",
            "Statement: our staff will take part in national strike action next week",
        ),
        "event post": (
            "Join us at the {event} this Saturday from 10am",
            "Tickets for the {event} are going fast, book now",
            "Photos from the {event} are up on our page",
            "Live music, free snacks and games at the {place} tonight",
            "Volunteers needed for the {event}, sign up at the welcome desk",
        ),
        "sports banter": (
            "We're going to destroy {rival} on Saturday, be there",
            "{rival} don't stand a chance against us this year",
            "Absolutely smashed {rival} 4-0, get in!",
            "Sorry {rival}, better luck next year",
            "Our keeper murdered it today, what a performance against {rival}",
        ),
        "quoted or reported abuse": (
            "Someone replied 'you're a useless idiot' to our {dept} post; we have hidden it and "
            "reported the account",
            "A student was called a moron in the comments under the {event} photos. That's "
            "not acceptable and it has been removed",
            "He wrote 'shut up, nobody asked you' under every post about the {event}, so we "
            "blocked him",
            "We received messages calling our {dept} staff 'vermin'. They have been passed to "
            "the police",
            "Reporting a post that says students at the {place} are 'scum'",
        ),
        "counter-speech": (
            "Racist comments about our international students will be removed. Everyone is "
            "welcome at the {place}",
            "Calling women in {dept} 'stupid' is sexism, not banter",
            "Hate has no place at the {event}. If you see it, report it",
            "Abuse of our cleaning staff in the {place} will not be tolerated",
            "Migrants are part of this university, and attacks on them have no place here",
        ),
    },
)

FAMILY_B = TemplateFamily(
    name="templates B",
    fillers={
        "dept": (
            "Physics",
            "Economics",
            "Veterinary Medicine",
            "Architecture",
            "Linguistics",
            "Geography",
        ),
        "place": (
            "Great Hall",
            "medical school",
            "halls of residence",
            "arts centre",
            "engineering block",
        ),
        "event": (
            "graduation ceremony",
            "research showcase",
            "book festival",
            "volunteering fair",
            "welcome barbecue",
        ),
        "team": ("the hockey club", "our basketball side", "the cricket XI", "the swim team"),
        "rival": ("Northfield", "the Poly", "Kingsbridge", "Westgate"),
    },
    templates={
        "comment": (
            "What a day at the {event}! My face hurts from smiling",
            "The staff at the {place} were so kind to my son, thank you",
            "Shout out to {team}, you made us all proud",
            "I miss my student days in {dept} so much",
            "Beautiful sunset over the {place} this evening",
            "Honestly the {event} was the highlight of my year",
        ),
        "question": (
            "Can visitors use the {place} at weekends?",
            "Any idea if the {event} will be streamed online?",
            "What are the entry requirements for {dept} this year?",
            "Where can I park for the {event}?",
            "Is there step-free access to the {place}?",
        ),
        "complaint": (
            "Heating in the {place} has been broken for a fortnight and it is freezing",
            "Nobody in {dept} answers emails, I've tried for three weeks",
            "The {event} was badly organised, we queued outside in the rain",
            "Fees went up again and the {place} still has no working lifts",
            "Very poor communication from {dept} about the exam changes",
            "The bins outside the {place} have not been emptied for days",
        ),
        "announcement": (
            "Job opportunity: research assistant in {dept}, closing date 30 June",
            "Due to a power cut the {place} is closed until further notice",
            "Our {dept} team has won a national teaching award",
            "Covid boosters are available at the {place} for staff and students this week",
            "The deadline for {dept} dissertations has moved to 12 May",
            "Press release: a new partnership with the city council on affordable housing",
        ),
        "event post": (
            "Doors open at 6pm for the {event}, see you there",
            "Last chance to register for the {event}",
            "Thanks to all 300 of you who came to the {event}!",
            "Free yoga on the lawn outside the {place} every Wednesday",
            "Come and meet our students at the {event} this weekend",
        ),
        "sports banter": (
            "{rival} are going down on Wednesday, mark my words",
            "Thrashed {rival} again, that's three in a row",
            "Hey {rival}, hope you enjoyed the view of our backs",
            "We'll crush {rival} in the final, no question",
            "{rival} fans very quiet tonight, can't think why",
        ),
        "quoted or reported abuse": (
            "Someone commented 'go back to school, you idiot' on our {dept} post. We have "
            "reported it",
            "My friend in {dept} got a message calling her a 'pathetic loser'. Please report "
            "these accounts",
            "An account keeps posting that our lecturers are 'parasites'; it's been reported",
            "Sharing this so you know: people at the {event} were told to 'get lost, freaks'. "
            "We're investigating",
            "A troll called our {dept} students 'brainless sheep'. Ignore and report",
        ),
        "counter-speech": (
            "Antisemitism has no place on our campus or at the {event}",
            "Posting that disabled students 'shouldn't be here' is discrimination. We will act",
            "Trans students are welcome at the {place}, and harassment will be reported",
            "Saying refugees are 'animals' is dehumanising. Please think before you post",
            "We stand with our Muslim students after the abuse at the {place} last night",
        ),
    },
)
