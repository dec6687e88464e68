"""Ordinary university posts written for this project: extra negatives for training.

The labelled data are tweets about politics, celebrities and COVID-19. A
university's accounts post vacancies, events, deadlines and support for
its communities, and a model that never saw such posts takes them for
something else: "We're hiring! Vacancy for a lab technician" looked like
fake health news (0.58), and a post about the women-in-engineering network
looked like HatEval's hate against women. These texts, composed from the
templates below, teach every linear model that such posts are none of its
categories; the misleading model's domain gate learns them as outside its
domain. They are ours (no real post is copied), hold no abuse, and are
not part of any evaluation set.
"""

from __future__ import annotations

import itertools
import random

_ROLES = (
    "lab technician",
    "research assistant",
    "library assistant",
    "student ambassador",
    "catering supervisor",
    "IT support officer",
    "postdoctoral researcher",
    "lecturer in nursing",
    "groundskeeper",
    "events coordinator",
)
_TOPICS = (
    "climate change",
    "public health",
    "vaccines and immunology",
    "machine learning",
    "the history of medicine",
    "mental health",
    "clean water",
    "cancer research",
    "migration and labour markets",
    "gender equality",
    "elections and democracy",
    "antibiotic resistance",
)
_COMMUNITIES = (
    "women in engineering",
    "Black students'",
    "LGBTQ+ staff",
    "Muslim students'",
    "Jewish society's",
    "refugee students'",
    "disabled students'",
    "international students'",
    "trans and non-binary students'",
    "first-generation students'",
    "mature students'",
    "Hindu and Sikh students'",
)
#: Groups named in the plural, for posts that speak well of them ("<group> are welcome here"):
#: without these, "<group> are" was evidence of hate whatever followed.
_PEOPLE = (
    "Women",
    "Refugees",
    "Immigrants",
    "Muslims",
    "Jewish students",
    "Gay and lesbian staff",
    "Trans people",
    "Disabled students",
    "Black students",
    "Migrants",
    "International students",
    "Asian students",
)
_PLACES = (
    "the main library",
    "the sports centre",
    "the student union",
    "lecture theatre 2",
    "the science park",
    "the chaplaincy",
    "the medical school",
    "the arts centre",
)
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "this weekend", "next week")

_TEMPLATES = (
    "We're hiring! Vacancy for a {role}, closing date {day}. Apply via our careers page.",
    "Job alert: {role} wanted, full time, flexible hours. Details on the staff portal.",
    "Applications are open for the post of {role}. Interviews {day}.",
    "New study from our researchers on {topic} published today in a leading journal.",
    "Public lecture on {topic} in {place} on {day}, free entry, all welcome.",
    "Our experts explain what the latest report on {topic} means for the region.",
    "Join the {community} network for coffee and a chat in {place} on {day}.",
    "The {community} society welcomes new members: come and say hello {day}!",
    "Proud of our {community} network, who won a national award for their mentoring scheme.",
    "Scholarships for {community} applicants are open until {day}. Please share.",
    "Reminder: {place} is closed {day} for maintenance. Sorry for the inconvenience.",
    "Exam timetables are out! Check your student account and contact us with any clashes.",
    "Graduation tickets go on sale {day}; each graduate can book two guests.",
    "Is {place} open late during the exam period? Asking for my whole study group.",
    "Why is the wifi in {place} so slow again? Three days now, please fix it.",
    "The queue for the bus to campus was forty minutes this morning, we need more buses.",
    "Great result for the university football team {day}, three goals in the second half!",
    "Our rowing crew beat our old rivals by half a length. What a race!",
    "Fresh data from our survey on {topic}: two thirds of respondents want more action.",
    "Flu jabs for staff are available in {place} {day}, no appointment needed.",
    "Blood donation session in {place} {day}: book a slot and save a life.",
    "Congratulations to everyone who graduated {day}, we are so proud of you!",
    "Open day is {day}: tours of {place} every hour, and our students will answer questions.",
    "The report says the new vaccine trial at our medical school has recruited 500 volunteers.",
    "Volunteers needed for a study on {topic}; participants receive a shopping voucher.",
    "The {community} group is running a workshop on {topic} in {place} {day}.",
    "Statement: we stand with our {community} community and condemn the abuse they received.",
    "All {community} students and staff are welcome here, today and every day.",
    "{people} are welcome here, and they always will be.",
    "{people} are part of what makes this university great.",
    "{people} are valued members of our community, full stop.",
    "{people} are invited to the {community} network's open meeting {day}.",
    "Did you know? {people} are a third of our new postgraduates this year.",
    "{people} are not a problem to be solved; they are our colleagues and friends.",
    "This month we celebrate the achievements of our {community} alumni.",
    "Ask us anything: our {community} mentors answer questions live {day}.",
    "Counselling and wellbeing services are open {day}; you don't have to struggle alone.",
    "Library opening hours change {day}: 8am to midnight during the exam period.",
    "Parking permits for the new term can be renewed online from {day}.",
)


def written_negatives(per_template: int = 40, seed: int = 20261127) -> list[str]:
    """Up to ``per_template`` distinct posts from each template (so that the templates with
    more blanks do not crowd out the others), in a seeded order."""
    rng = random.Random(seed)
    fillers = {
        "role": _ROLES,
        "topic": _TOPICS,
        "community": _COMMUNITIES,
        "people": _PEOPLE,
        "place": _PLACES,
        "day": _DAYS,
    }
    texts: list[str] = []
    for template in _TEMPLATES:
        names = [name for name in fillers if "{" + name + "}" in template]
        combinations = list(itertools.product(*(fillers[name] for name in names)))
        rng.shuffle(combinations)
        texts += [
            template.format(**dict(zip(names, values, strict=True)))
            for values in combinations[:per_template]
        ]
    rng.shuffle(texts)
    return texts
