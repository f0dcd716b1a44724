"""The demo organisation: a believable company, deterministic by seed.

`build_demo(people, seed, progress, stdout)` fills an EMPTY database with a department tree,
people (names, titles, managers, locations, bios, skills), follows, spaces of all three kinds with
members and roles, and about six months of posts, questions, comments (with threaded replies),
reactions, @mentions, #tags and recent notifications, whose text is on topic for each department,
and three weeks of question routing: who was asked to answer each recent question and how it went
(answered, passed as "not my area" or "busy", no reply), with the newest questions still waiting in
the experts' "Questions for you".

It has the structure the insights, impact and connection pages measure (see SILOS, MIXERS, CAST):
departments that keep to themselves and departments that mix, brokers who answer across many
departments and bridge the silos, topics only one person answers, and people who answer or post
more every month. The cast has fixed names whatever the seed; the README lists them.

Everything random comes from one `random.Random(seed)`: the same seed gives the same organisation
(timestamps are relative to the build time, truncated to the hour). It scales to 100,000 people:
rows are generated in memory with explicit ids and written with `bulk_create` in batches, one
transaction per phase or chunk; the password is hashed once and shared by everyone.
"""

import math
import random
import re
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import escape

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils.text import slugify

from chrysalis.core.errors import Conflict, Invalid
from chrysalis.core.markdown import find_hashtags, link_mentions, render_markdown, render_plain_paragraphs
from chrysalis.demo import corpus
from chrysalis.demo.names import FIRST_NAMES, HOBBIES, LAST_NAMES, OFFICES, PREVIOUS, REMOTE, REMOTE_WEIGHT

DEMO_PASSWORD = "chrysalis-demo"
COMPANY = "Halcyon"
EMAIL_DOMAIN = "halcyon.example"
MIN_PEOPLE = 30
DAYS = 182
NOTIFY_DAYS = 30
BATCH = 2000


def _sentence_case(title: str) -> str:
    """A title that starts with a vocabulary value ("the VPN client not working…") starts with a capital."""
    return title[:1].upper() + title[1:]


# ------------------------------------------------------------------------------------------ plan
@dataclass
class Dept:
    name: str
    topic: str
    weight: float
    head_title: str
    manager_title: str
    ic_titles: list[str]
    parent: str | None = None
    region: str | None = None  # sales regions keep people in their region's offices
    description: str = ""
    id: int = 0
    slug: str = ""
    members: list = field(default_factory=list)


DEPARTMENTS = [
    Dept(
        "Executive Office",
        "leadership",
        0,
        "Chief Executive Officer",
        "Chief of Staff",
        ["Chief of Staff", "Executive Assistant", "Strategy Associate"],
        description="The CEO and their office.",
    ),
    Dept(
        "Engineering",
        "engineering",
        1,
        "VP of Engineering",
        "Engineering Manager",
        ["Engineering Program Manager", "Technical Writer", "Software Engineer"],
        description="Builds and runs the product.",
    ),
    Dept(
        "Platform",
        "platform",
        8,
        "Head of Platform",
        "Engineering Manager, Platform",
        ["Site Reliability Engineer", "Platform Engineer", "Infrastructure Engineer", "Backend Engineer"],
        parent="Engineering",
        description="Clusters, CI/CD, observability and the paved road.",
    ),
    Dept(
        "Frontend",
        "frontend",
        8,
        "Head of Frontend",
        "Engineering Manager, Frontend",
        ["Frontend Engineer", "UI Engineer", "Design Systems Engineer", "Full-Stack Engineer"],
        parent="Engineering",
        description="The web app and the design system.",
    ),
    Dept(
        "Data",
        "data",
        7,
        "Head of Data",
        "Data Engineering Manager",
        ["Data Engineer", "Data Scientist", "Analytics Engineer", "Machine Learning Engineer"],
        parent="Engineering",
        description="Warehouse, pipelines, analytics and models.",
    ),
    Dept(
        "Security",
        "security",
        4,
        "Chief Information Security Officer",
        "Security Engineering Manager",
        ["Security Engineer", "Application Security Engineer", "Security Analyst", "GRC Specialist"],
        parent="Engineering",
        description="Keeps the company and its customers safe.",
    ),
    Dept(
        "Product",
        "product",
        6,
        "Chief Product Officer",
        "Group Product Manager",
        ["Product Manager", "Product Designer", "UX Researcher", "Product Analyst"],
        description="Decides what we build and why.",
    ),
    Dept(
        "Sales",
        "sales",
        1,
        "Chief Revenue Officer",
        "Sales Manager",
        ["Revenue Operations Analyst", "Sales Enablement Manager"],
        description="Finds and grows customers.",
    ),
    Dept(
        "Sales EMEA",
        "sales",
        6,
        "Regional Sales Director, EMEA",
        "Sales Manager, EMEA",
        ["Account Executive", "Sales Development Representative", "Solutions Engineer", "Account Manager"],
        parent="Sales",
        region="EMEA",
        description="Europe, Middle East and Africa.",
    ),
    Dept(
        "Sales North America",
        "sales",
        7,
        "Regional Sales Director, North America",
        "Sales Manager, North America",
        ["Account Executive", "Sales Development Representative", "Solutions Engineer", "Account Manager"],
        parent="Sales",
        region="North America",
        description="United States, Canada and Latin America.",
    ),
    Dept(
        "Sales APAC",
        "sales",
        5,
        "Regional Sales Director, APAC",
        "Sales Manager, APAC",
        ["Account Executive", "Sales Development Representative", "Solutions Engineer", "Account Manager"],
        parent="Sales",
        region="APAC",
        description="Asia and the Pacific.",
    ),
    Dept(
        "Marketing",
        "marketing",
        7,
        "VP of Marketing",
        "Marketing Manager",
        [
            "Product Marketing Manager",
            "Content Marketer",
            "Demand Generation Specialist",
            "Brand Designer",
            "Marketing Operations Specialist",
            "Events Coordinator",
        ],
        description="Brand, campaigns and content.",
    ),
    Dept(
        "Customer Support",
        "support",
        12,
        "Head of Customer Support",
        "Support Team Lead",
        [
            "Support Engineer",
            "Customer Support Specialist",
            "Technical Account Manager",
            "Support Operations Analyst",
        ],
        description="Helps customers every day, around the clock.",
    ),
    Dept(
        "Finance",
        "finance",
        5,
        "Chief Financial Officer",
        "Finance Manager",
        ["Financial Analyst", "Accountant", "FP&A Analyst", "Payroll Specialist", "Procurement Specialist"],
        description="Budgets, accounting, procurement and payroll.",
    ),
    Dept(
        "People",
        "people",
        5,
        "Chief People Officer",
        "People Team Lead",
        [
            "People Partner",
            "Recruiter",
            "Talent Acquisition Partner",
            "People Operations Specialist",
            "Compensation Analyst",
        ],
        description="HR: hiring, growth, benefits and wellbeing.",
    ),
    Dept(
        "Learning & Development",
        "learning",
        2,
        "Head of Learning & Development",
        "L&D Manager",
        ["Learning Designer", "Enablement Specialist", "Instructional Designer", "Leadership Coach"],
        description="Training, onboarding and coaching.",
    ),
    Dept(
        "Legal",
        "legal",
        2,
        "General Counsel",
        "Associate General Counsel",
        ["Commercial Counsel", "Privacy Counsel", "Paralegal", "Compliance Analyst"],
        description="Contracts, privacy, compliance.",
    ),
    Dept(
        "Operations",
        "operations",
        5,
        "Chief Operating Officer",
        "Operations Manager",
        ["Business Operations Analyst", "Workplace Coordinator", "Program Manager", "Facilities Specialist"],
        description="Planning, workplace and business operations.",
    ),
    Dept(
        "IT",
        "it",
        4,
        "Head of IT",
        "IT Manager",
        ["IT Support Specialist", "Systems Administrator", "IT Engineer", "Identity & Access Engineer"],
        description="Laptops, accounts, tools and the help desk.",
    ),
]
SENIORITY = [("Junior ", 10), ("", 50), ("Senior ", 28), ("Lead ", 7), ("Principal ", 5)]
ENG_TOPICS = {"engineering", "platform", "frontend", "data", "security"}

# The organisation's structure, which the insights pages measure:
# - silos keep to themselves: their people comment, react, mention and answer almost only inside their
#   own department (a small leak), and nobody outside asks them across departments;
# - mixers talk with everyone: most of the people around their posts are from other departments;
# - the cast (fixed names, any seed): brokers answer questions from many departments, each also the
#   one bridge into a silo (its questions on their topics); single experts
#   are the only people who answer their topic's questions (knowledge risk); growers joined just
#   before the history starts and answer more every month; "rising" people post more every month.
SILOS = ("Customer Support", "Finance", "Legal")
MIXERS = ("Product", "IT", "Learning & Development", "Operations")
SILO_LEAK = 0.01  # share of a silo's interactions that still cross its border
RISING_SHARE = 0.12


@dataclass(frozen=True)
class Role:
    first: str
    last: str
    dept: str
    title: str
    kind: str  # "broker", "expert" (of one niche topic) or "grower"
    topics: tuple[str, ...] = ()  # question topics a broker or grower answers
    tag: str = ""  # the niche topic of an expert (corpus.NICHE)

    @property
    def username(self) -> str:
        return f"{_ascii(self.first)}.{_ascii(self.last)}"


CAST = [
    Role("Priya", "Raman", "Platform", "Staff Site Reliability Engineer", "broker",
         ("engineering", "platform", "frontend", "security", "it", "python", "sales", "support")),
    Role("Jonas", "Eklund", "Data", "Principal Analytics Engineer", "broker",
         ("data", "product", "marketing", "sales", "customer_stories", "operations", "finance")),
    Role("Amara", "Osei", "Operations", "Senior Program Manager", "broker",
         ("operations", "people", "learning", "it", "product", "remote", "office", "social", "legal")),
    Role("Walter", "Brandt", "IT", "Principal Systems Administrator", "expert", tag="mainframe"),
    Role("Ines", "Abara", "Security", "Senior Security Engineer", "expert", tag="hsm"),
    Role("Kenji", "Mori", "Operations", "Business Operations Analyst", "expert", tag="edi"),
    Role(
        "Lena",
        "Vogt",
        "Frontend",
        "Frontend Engineer",
        "grower",
        ("frontend", "engineering", "python", "product", "platform", "data"),
    ),
    Role("Sofia", "Marchetti", "Product", "Product Analyst", "grower",
         ("product", "data", "marketing", "sales", "customer_stories")),
]


@dataclass(eq=False)
class Person:
    idx: int
    id: int
    first: str
    last: str
    username: str
    dept: Dept
    title: str = ""
    manager: "Person | None" = None
    location: str = ""
    joined: datetime | None = None
    is_head: bool = False
    has_reports: bool = False
    activity: float = 1.0
    spaces: list = field(default_factory=list)
    silo: bool = False
    mixer: bool = False
    rising: bool = False  # posts more every month
    role: Role | None = None

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def top(self) -> str:
        return self.dept.parent or self.dept.name


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _allocate(total: int, weights: list[float]) -> list[int]:
    """Largest-remainder split of `total` by `weights` (deterministic)."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    out = [int(r) for r in raw]
    rest = sorted(range(len(weights)), key=lambda i: (-(raw[i] - out[i]), i))
    for i in rest[: total - sum(out)]:
        out[i] += 1
    return out


def _plan_people(rng: random.Random, count: int, now: datetime) -> list[Person]:
    depts = {d.name: d for d in DEPARTMENTS}
    for i, d in enumerate(DEPARTMENTS, start=1):
        d.id, d.slug, d.members = i, slugify(d.name), []
    # every department has a head; the executive office has the CEO (+ staff when big enough)
    fixed = len(DEPARTMENTS)
    extra_exec = 2 if count >= 100 else 0
    shares = _allocate(count - fixed - extra_exec, [d.weight for d in DEPARTMENTS])
    sizes = {d.name: 1 + n for d, n in zip(DEPARTMENTS, shares, strict=True)}
    sizes["Executive Office"] += extra_exec

    office_names = [o[0] for o in OFFICES] + [REMOTE]
    office_w = [o[1] for o in OFFICES] + [REMOTE_WEIGHT]
    taken: dict[str, int] = {}
    people: list[Person] = []

    def new_person(dept: Dept) -> Person:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        base = f"{_ascii(first)}.{_ascii(last)}"
        n = taken.get(base, 0) + 1
        taken[base] = n
        p = Person(
            idx=len(people),
            id=len(people) + 1,
            first=first,
            last=last,
            username=base if n == 1 else f"{base}{n}",
            dept=dept,
        )
        people.append(p)
        dept.members.append(p)
        return p

    for dept in DEPARTMENTS:
        span = rng.choice([5, 6, 7, 8])
        team = [new_person(dept) for _ in range(sizes[dept.name])]
        for i, p in enumerate(team):
            if i == 0:
                p.is_head, p.title = True, dept.head_title
                continue
            p.manager = team[(i - 1) // span]
            p.manager.has_reports = True
        for p in team[1:]:
            if p.has_reports:
                p.title = dept.manager_title
            else:
                prefix = rng.choices([s[0] for s in SENIORITY], [s[1] for s in SENIORITY])[0]
                title = rng.choice(dept.ic_titles)
                if dept.name == "Executive Office" or title.startswith(("Chief", "Head")):
                    prefix = ""
                p.title = prefix + title
    ceo = depts["Executive Office"].members[0]
    for dept in DEPARTMENTS[1:]:
        head = dept.members[0]
        head.manager = depts[dept.parent].members[0] if dept.parent else ceo
        head.manager.has_reports = True

    # the administrator: an IT person called Ada Admin
    it = depts["IT"].members
    admin = it[1] if len(it) > 1 else it[0]
    taken.pop(admin.username, None)
    admin.first, admin.last, admin.username = "Ada", "Admin", "admin"
    if not admin.is_head and not admin.has_reports:
        admin.title = "IT Systems Administrator"

    region_offices = defaultdict(list)
    for name, weight, region in OFFICES:
        region_offices[region].append((name, weight))
    for p in people:
        if p.dept.region:
            names = [o[0] for o in region_offices[p.dept.region]] + [REMOTE]
            weights = [o[1] for o in region_offices[p.dept.region]] + [REMOTE_WEIGHT / 2]
            p.location = rng.choices(names, weights)[0]
        elif p.is_head and p.dept.name in ("Executive Office", "Finance", "Legal"):
            p.location = "London"
        else:
            p.location = rng.choices(office_names, office_w)[0]
        years = 0.1 + rng.random() * 6 if not (p.is_head or p.has_reports) else 1 + rng.random() * 6
        p.joined = now - timedelta(days=int(years * 365), hours=rng.randrange(24))
        p.activity = min(rng.paretovariate(1.4), 40.0) * (2.0 if p.is_head else 1.0)
        p.silo, p.mixer = p.dept.name in SILOS, p.dept.name in MIXERS
        p.rising = not (p.is_head or p.has_reports) and rng.random() < RISING_SHARE
    _cast(people, depts, now, rng)
    return people


def _cast(people: list[Person], depts: dict[str, Dept], now: datetime, rng: random.Random) -> None:
    """Give the cast's roles (fixed names) to individual contributors of their departments; a role
    whose department has no one left to give it to (a very small demo) is left out."""
    for role in CAST:
        free = [p for p in depts[role.dept].members[::-1]
                if not (p.is_head or p.has_reports or p.role or p.username == "admin")]
        if not free:
            continue
        p = free[0]
        p.first, p.last, p.username, p.title, p.role = role.first, role.last, role.username, role.title, role
        if role.kind == "grower":  # joined just before the history starts; starts slow, grows
            p.joined = now - timedelta(days=DAYS + rng.randrange(7, 21), hours=rng.randrange(24))
            p.activity, p.rising = 2.0, True
        else:
            p.joined = now - timedelta(days=int((2 + rng.random() * 4) * 365), hours=rng.randrange(24))
            p.activity, p.rising = 3.0, False


def cast_members(staff: list[Person], kind: str) -> list[Person]:
    return [p for p in staff if p.role is not None and p.role.kind == kind]


# ------------------------------------------------------------------------------------------ spaces
@dataclass
class SpaceSpec:
    name: str
    visibility: str
    topic: str
    description: str
    id: int = 0
    slug: str = ""
    members: list = field(default_factory=list)
    roles: dict = field(default_factory=dict)
    created: datetime | None = None


def _space_plan(people: list[Person], rng: random.Random) -> list[SpaceSpec]:
    by_dept = {d.name: d.members for d in DEPARTMENTS}
    heads = {d.name: d.members[0] for d in DEPARTMENTS}
    recent = people[0].joined  # placeholder, replaced below
    specs: list[tuple[SpaceSpec, object]] = []

    def add(name, vis, topic, desc, rule):
        specs.append((SpaceSpec(name, vis, topic, desc), rule))

    def by_topic(weights: dict[str, float], default: float = 0.0):
        return lambda p: weights.get(p.dept.topic, default)

    add(
        "Python Guild",
        "open",
        "python",
        "Everything Python: libraries, typing, packaging, talks.",
        by_topic({"data": 0.6, "platform": 0.4, "engineering": 0.4, "frontend": 0.15, "security": 0.2}, 0.01),
    )
    add(
        "Frontend Guild",
        "open",
        "frontend",
        "Web craft: React, CSS, accessibility and the design system.",
        by_topic({"frontend": 0.7, "product": 0.2, "engineering": 0.1, "marketing": 0.03}, 0.005),
    )
    add(
        "Data & Analytics Community",
        "open",
        "data",
        "Dashboards, SQL help, metric definitions.",
        by_topic({"data": 0.8, "product": 0.25, "finance": 0.15, "marketing": 0.15, "sales": 0.05}, 0.01),
    )
    add(
        "Security Champions",
        "open",
        "security",
        "Security questions welcome; no question is silly.",
        by_topic({"security": 0.9, "it": 0.4, "platform": 0.15, "engineering": 0.1}, 0.01),
    )
    add(
        "Customer Stories",
        "open",
        "customer_stories",
        "Wins, quotes and lessons from our customers.",
        by_topic({"sales": 0.5, "support": 0.4, "marketing": 0.45, "product": 0.3}, 0.04),
    )
    add(
        "Sales Wins",
        "open",
        "sales",
        "Closed deals and the people who helped.",
        by_topic({"sales": 0.8, "marketing": 0.2, "leadership": 0.6}, 0.01),
    )
    add(
        "Product Feedback",
        "open",
        "product",
        "Ideas and feedback for the product team.",
        by_topic({"product": 0.85, "support": 0.3, "sales": 0.2, "engineering": 0.1, "frontend": 0.15}, 0.02),
    )
    add(
        "Ask IT",
        "open",
        "it",
        "Questions for IT: laptops, accounts, VPN, tools.",
        by_topic({"it": 1.0}, 0.12),
    )
    add(
        "Remote Life",
        "open",
        "remote",
        "For everyone working away from an office.",
        lambda p: 0.7 if p.location == REMOTE else 0.04,
    )
    add(
        "Learning Lab",
        "open",
        "learning",
        "Courses, books, talks and the learning budget.",
        by_topic({"learning": 1.0, "people": 0.35}, 0.07),
    )
    add(
        "New Joiners",
        "open",
        "social",
        "Say hello, ask anything, find your buddy.",
        lambda p: 0.85 if p.joined >= recent else (0.3 if p.dept.topic == "people" else 0.0),
    )
    add("Running Club", "open", "social", "Lunch runs, races and cake afterwards.", lambda p: 0.04)
    add("Book Club", "open", "social", "One book a month, discussed on the last Thursday.", lambda p: 0.03)
    add("Sustainability Network", "open", "social", "Making our offices and travel greener.", lambda p: 0.03)
    for name, _w, _r in OFFICES:
        add(
            f"{name} Office",
            "open",
            "office",
            f"News and events for people in the {name} office.",
            lambda p, n=name: 0.6 if p.location == n else 0.0,
        )
    add(
        "Leadership Team",
        "private",
        "leadership_private",
        "The CEO and department heads.",
        lambda p: (
            1.0
            if p.is_head and (p.dept.parent is None)
            else (1.0 if p.dept.name == "Executive Office" and p.title == "Chief of Staff" else 0.0)
        ),
    )
    add(
        "People Managers",
        "private",
        "managers",
        "For everyone with reports: guidance, questions, support.",
        lambda p: 0.5 if p.has_reports else 0.0,
    )
    add(
        "Engineering Managers",
        "private",
        "engineering",
        "Engineering leadership: hiring, planning, incidents.",
        lambda p: 0.9 if p.has_reports and p.dept.topic in ENG_TOPICS else 0.0,
    )
    add(
        "Security Incidents",
        "private",
        "security_incidents",
        "Incident coordination. Need to know.",
        lambda p: (
            1.0
            if p.dept.topic == "security" and (p.has_reports or p.is_head or len(by_dept["Security"]) < 60)
            else (0.8 if p.dept.topic in ("platform", "it") and p.has_reports else 0.0)
        ),
    )
    add(
        "Finance Close",
        "private",
        "finance_close",
        "Month-end close coordination.",
        lambda p: 1.0 if p.dept.topic == "finance" else 0.0,
    )
    add(
        "Legal & Compliance Reviews",
        "private",
        "legal",
        "Contract and compliance reviews.",
        lambda p: (
            1.0 if p.dept.topic == "legal" else (0.5 if p.dept.topic == "finance" and p.has_reports else 0.0)
        ),
    )
    add(
        "Pricing Council",
        "private",
        "product",
        "Pricing and packaging decisions.",
        lambda p: 1.0 if p.is_head and p.dept.topic in ("product", "sales", "finance", "marketing") else 0.0,
    )
    add(
        "M&A Project Falcon", "secret", "falcon", "Project Falcon. Strictly confidential.", lambda p: 0.0
    )  # hand-picked below
    add(
        "Reorg Planning",
        "secret",
        "managers",
        "Organisation design for next year. Confidential.",
        lambda p: 0.0,
    )
    add(
        "Board Meeting Prep", "secret", "leadership_private", "Board materials in preparation.", lambda p: 0.0
    )

    # "new joiners" are the ones who joined in the last six months
    joined_sorted = sorted(p.joined for p in people)
    recent = joined_sorted[int(len(joined_sorted) * 0.9)]
    for spec, rule in specs:
        spec.members = [p for p in people if (w := rule(p)) and rng.random() < w]
    heads_ceo = people[0]
    hand = {
        "M&A Project Falcon": [
            heads_ceo,
            heads["Finance"],
            heads["Legal"],
            *by_dept["Finance"][1:4],
            *by_dept["Legal"][1:3],
            *by_dept["Executive Office"][1:2],
        ],
        "Reorg Planning": [heads_ceo, heads["People"], heads["Operations"], *by_dept["People"][1:3]],
        "Board Meeting Prep": [
            heads_ceo,
            heads["Finance"],
            heads["Legal"],
            *by_dept["Executive Office"][1:2],
        ],
    }
    owners = {
        "Python Guild": "Data",
        "Frontend Guild": "Frontend",
        "Data & Analytics Community": "Data",
        "Security Champions": "Security",
        "Sales Wins": "Sales",
        "Product Feedback": "Product",
        "Ask IT": "IT",
        "Learning Lab": "Learning & Development",
        "New Joiners": "People",
        "People Managers": "People",
        "Engineering Managers": "Engineering",
        "Security Incidents": "Security",
        "Finance Close": "Finance",
        "Legal & Compliance Reviews": "Legal",
        "Pricing Council": "Product",
        "Customer Stories": "Marketing",
    }
    out = []
    for i, (spec, _rule) in enumerate(specs, start=1):
        spec.id, spec.slug = i, slugify(spec.name.replace("&", "and"))
        if spec.name in hand:
            seen: dict[int, Person] = {}
            for p in hand[spec.name]:
                seen.setdefault(p.idx, p)
            spec.members = list(seen.values())
        owner = (
            heads[owners[spec.name]]
            if spec.name in owners
            else (spec.members[0] if spec.members else rng.choice(people))
        )
        if spec.name == "Leadership Team":
            owner = heads_ceo
        if owner not in spec.members:
            spec.members.insert(0, owner)
        spec.roles = {owner.idx: "owner"}
        others = [p for p in spec.members if p is not owner]
        for p in rng.sample(others, min(len(others), 1 + len(others) // 40, 4)):
            spec.roles[p.idx] = "moderator"
        for p in spec.members:
            p.spaces.append(spec)
        out.append(spec)
    return out


# ------------------------------------------------------------------------------------------ text
_SLOT = re.compile(r"\{([a-z_]+?)(\d*)\}")
_INERT = re.compile(r"[\w .,:;'%@#&()/+-]*")  # slot values that Markdown leaves as plain text


class Writer:
    """Fills templates: vocabulary slots, @mentions of people who can read, #tags of the topic."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._md: dict[str, tuple[str, dict]] = {}

    def fill(self, template: str, topic: dict, values: dict, mention, expert=None) -> str:
        rng = self.rng

        def slot(m: re.Match) -> str:
            key = m.group(0)
            if key in values:
                return values[key]
            name = m.group(1)
            if name == "mention":
                v = mention()
            elif name == "expert":
                v = expert()
            elif name == "tag":
                v = "#" + rng.choice(topic["tags"])
            else:
                choices = topic["vocab"].get(name) or corpus.COMMON.get(name) or corpus.ISSUE_VOCAB
                v = rng.choice(choices)
            values[key] = v
            return v

        text = _SLOT.sub(slot, template)
        if "{" in text:  # a vocabulary value with a slot of its own
            text = _SLOT.sub(slot, text)
        return text

    def html(self, template: str, body: str, values: dict) -> str:
        """The body's HTML as the product renders it. Plain paragraphs: render_plain_paragraphs.
        Markdown: the template is rendered once by the product's renderer with inert tokens in place of
        its slots, then the (escaped) slot values are put in; that equals render_markdown(body), which
        the demo tests check, at a fraction of the cost."""
        if _is_plain(template):
            return render_plain_paragraphs([p.strip() for p in body.split("\n\n")])
        slots = [m.group(0) for m in _SLOT.finditer(template)]
        if any(s not in values or "{" in values[s] or not _INERT.fullmatch(values[s]) for s in slots):
            return render_markdown(body)
        cached = self._md.get(template)
        if cached is None:
            names = list(dict.fromkeys(slots))
            tokens = {s: f"zqx{i}qz" for i, s in enumerate(names)}
            cached = self._md[template] = (
                render_markdown(_SLOT.sub(lambda m: tokens[m.group(0)], template)),
                tokens,
            )
        html, tokens = cached
        for s, token in tokens.items():
            html = html.replace(token, escape(values[s], quote=False))
        return link_mentions(html)


def _is_plain(template: str) -> bool:
    return "\n- " not in template and "**" not in template


# ------------------------------------------------------------------------------------------ rows
class Rows:
    """Rows of one table as tuples, written with one multi-row INSERT per batch (executemany). This is
    bulk_create without building a model instance per row, which is most of its cost at this scale.
    Datetimes are aware (UTC); they are adapted the way Django stores them for the backend in use."""

    def __init__(self, model, fields: list[str]):
        from django.db import models as m

        meta = model._meta
        self.model, self.rows = model, []
        given = [meta.get_field(f) for f in fields]
        # columns not given (fields other apps may add later) get their model default
        rest = [f for f in meta.concrete_fields if f not in given and not f.primary_key]
        self.extra = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
        self.stamps = [i for i, f in enumerate(given) if isinstance(f, m.DateTimeField)]
        qn = connection.ops.quote_name
        cols = ", ".join(qn(f.column) for f in given + rest)
        marks = ", ".join(["%s"] * (len(given) + len(rest)))
        self.sql = f"INSERT INTO {qn(meta.db_table)} ({cols}) VALUES ({marks})"

    def add(self, *values) -> None:
        self.rows.append(values + self.extra if self.extra else values)

    def __len__(self) -> int:
        return len(self.rows)

    def flush(self, bar=None) -> int:
        rows, self.rows = self.rows, []
        if self.stamps and connection.vendor == "sqlite":
            idx = self.stamps
            fixed = []
            for r in rows:
                r = list(r)
                for i in idx:
                    if r[i] is not None:
                        r[i] = r[i].replace(tzinfo=None).isoformat(" ")
                fixed.append(r)
            rows = fixed
        with connection.cursor() as cur:
            for i in range(0, len(rows), BATCH):
                cur.executemany(self.sql, rows[i : i + BATCH])
                if bar is not None:
                    bar.update(len(rows[i : i + BATCH]))
        return len(rows)


# ------------------------------------------------------------------------------------------ build
class _Progress:
    def __init__(self, progress: bool, stdout):
        self.enabled, self.stdout = progress, stdout

    def bar(self, total: int, desc: str):
        from tqdm import tqdm

        return tqdm(
            total=total,
            desc=desc.ljust(14),
            file=self.stdout,
            disable=not self.enabled,
            unit=" rows",
            dynamic_ncols=True,
            mininterval=0.5,
        )


def _refuse_if_not_empty() -> None:
    from chrysalis.people.models import Department, Skill, User
    from chrysalis.posts.models import Post, Tag
    from chrysalis.spaces.models import Space

    n = User.objects.count()
    if n:
        raise Conflict(
            f"The database already has {n} people: the demo organisation is only built into an empty "
            "database. Point CHRYSALIS_DATA_DIR at a new folder (or delete the database) and run "
            "`chrysalis demo` again."
        )
    for model in (Department, Space, Post, Skill, Tag):
        if model.objects.exists():
            raise Conflict(
                f"The database already has {model._meta.verbose_name_plural}: the demo organisation "
                "is only built into an empty database."
            )


def build_demo(
    people: int,
    seed: int,
    progress: bool,
    stdout,
    *,
    now: datetime | None = None,
    posts_per_person: float = 10.0,
) -> dict:
    """Build the demo organisation into an empty database; returns counts of what was made."""
    if people < MIN_PEOPLE:
        raise Invalid(
            f"The demo needs at least {MIN_PEOPLE} people (one head per department).", field="people"
        )
    _refuse_if_not_empty()
    started = time.monotonic()
    rng = random.Random(seed)
    now = (now or datetime.now(UTC)).replace(minute=0, second=0, microsecond=0)
    bars = _Progress(progress, stdout)
    if progress:
        print(f"Building the {COMPANY} demo organisation: {people} people, seed {seed}", file=stdout)

    staff = _plan_people(rng, people, now)
    counts = {"people": len(staff)}
    counts.update(_write_people(staff, rng, now, bars))
    spaces = _space_plan(staff, rng)
    counts.update(_write_spaces(spaces, rng, now, bars))
    counts.update(_write_content(staff, spaces, rng, now, bars, posts_per_person))
    _reset_sequences()
    counts.update(_write_routing(rng, now, bars))

    from chrysalis.search.indexing import rebuild_index

    if progress:
        print("Building the search index…", file=stdout)
    rebuild_index(progress=progress)
    counts["seconds"] = round(time.monotonic() - started, 1)
    _print_signin(staff, counts, stdout)
    return counts


def _write_people(staff: list[Person], rng: random.Random, now: datetime, bars) -> dict:
    from chrysalis.people.models import Department, Follow, Skill, User

    password = make_password(DEMO_PASSWORD)  # hashed once, shared by every demo person
    skill_names = sorted({s for names in corpus.SKILLS.values() for s in names})
    skill_id = {name: i for i, name in enumerate(skill_names, start=1)}
    with transaction.atomic():
        Department.objects.bulk_create(
            [
                Department(id=d.id, name=d.name, slug=d.slug, parent_id=None, description=d.description)
                for d in DEPARTMENTS
            ]
        )
        by_name = {d.name: d for d in DEPARTMENTS}
        for d in DEPARTMENTS:
            if d.parent:
                Department.objects.filter(pk=d.id).update(parent_id=by_name[d.parent].id)
        Skill.objects.bulk_create(
            [Skill(id=i, name=n, slug=slugify(n) or f"skill-{i}") for n, i in skill_id.items()]
        )
        users = Rows(
            User,
            [
                "id",
                "username",
                "password",
                "first_name",
                "last_name",
                "display_name",
                "email",
                "is_staff",
                "is_superuser",
                "is_active",
                "date_joined",
                "title",
                "department",
                "manager",
                "location",
                "bio",
            ],
        )
        user_skills = Rows(User.skills.through, ["user", "skill"])
        for p in staff:
            skills = corpus.SKILLS.get(p.dept.topic) or corpus.SKILLS["leadership"]
            mine = rng.sample(skills, min(len(skills), rng.randint(2, 5)))
            if p.is_head or p.has_reports:
                mine.append(rng.choice(["Leadership", "Coaching", "Strategy"]))
            for name in dict.fromkeys(mine):
                user_skills.add(p.id, skill_id[name])
            bio = rng.choice(corpus.BIO).format(
                title=p.title,
                title_lower=p.title[0].lower() + p.title[1:],
                dept=p.dept.name,
                office=p.location if p.location != REMOTE else "a home office",
                previous=rng.choice(PREVIOUS),
                hobby=rng.choice(HOBBIES),
                skill=mine[0],
                skill2=mine[-1],
            )
            is_admin = p.username == "admin"
            users.add(
                p.id,
                p.username,
                password,
                p.first,
                p.last,
                p.name,
                f"{p.username}@{EMAIL_DOMAIN}",
                is_admin,
                is_admin,
                True,
                p.joined,
                p.title,
                p.dept.id,
                p.manager.id if p.manager else None,
                p.location,
                bio,
            )
        with bars.bar(len(users), "people") as bar:
            users.flush(bar)
        with bars.bar(len(user_skills), "skills") as bar:
            n_skills = user_skills.flush(bar)

        ceo = staff[0]
        follows = Rows(Follow, ["follower", "followee", "created_at"])
        for p in staff:
            targets: dict[int, None] = {}
            if p.manager:
                targets[p.manager.idx] = None
            if p.dept.members[0] is not p:
                targets[p.dept.members[0].idx] = None
            colleagues = p.dept.members
            for _ in range(rng.randint(2, 6)):
                targets[rng.choice(colleagues).idx] = None
            for _ in range(rng.randint(0, 3)):
                targets[rng.randrange(len(staff))] = None
            if rng.random() < 0.3:
                targets[ceo.idx] = None
            targets.pop(p.idx, None)
            for t in targets:
                span = max(1, int((now - max(p.joined, staff[t].joined)).total_seconds()))
                follows.add(p.id, staff[t].id, now - timedelta(seconds=rng.randrange(span)))
        with bars.bar(len(follows), "follows") as bar:
            n_follows = follows.flush(bar)
    return {
        "departments": len(DEPARTMENTS),
        "skills": len(skill_id),
        "person_skills": n_skills,
        "follows": n_follows,
    }


def _write_spaces(spaces: list[SpaceSpec], rng: random.Random, now: datetime, bars) -> dict:
    from chrysalis.spaces.models import Membership, Space

    rows = Rows(Membership, ["space", "user", "role", "created_at"])
    for s in spaces:
        s.created = now - timedelta(days=DAYS + rng.randrange(30, 700), hours=rng.randrange(24))
        for p in s.members:
            since = max(s.created, p.joined) + timedelta(hours=rng.randrange(1, 24 * 30))
            rows.add(s.id, p.id, s.roles.get(p.idx, "member"), min(since, now - timedelta(hours=1)))
    with transaction.atomic():
        Space.objects.bulk_create(
            [
                Space(
                    id=s.id,
                    name=s.name,
                    slug=s.slug,
                    description=s.description,
                    visibility=s.visibility,
                    created_by_id=next(p.id for p in s.members if s.roles.get(p.idx) == "owner"),
                    created_at=s.created,
                )
                for s in spaces
            ]
        )
        with bars.bar(len(rows), "memberships") as bar:
            n = rows.flush(bar)
    return {"spaces": len(spaces), "memberships": n}


REACTION_KINDS = ["like", "celebrate", "insightful", "support", "curious"]
REACTION_WEIGHTS = [50, 15, 17, 10, 8]


def _write_content(
    staff: list[Person],
    spaces: list[SpaceSpec],
    rng: random.Random,
    now: datetime,
    bars,
    posts_per_person: float,
) -> dict:
    from chrysalis.notifications.models import Notification
    from chrysalis.posts.models import Comment, Mention, Post, Reaction, Tag, Vote

    writer = Writer(rng)
    topics = corpus.TOPICS
    by_topic_people: dict[str, list[Person]] = defaultdict(list)
    for p in staff:
        by_topic_people[p.dept.topic].append(p)
    by_topic_people["engineering"] = [p for p in staff if p.dept.topic in ENG_TOPICS]
    cross_by_topic: dict[str, list] = defaultdict(list)
    silo_topics = {p.dept.topic for p in staff if p.silo} - {p.dept.topic for p in staff if not p.silo}
    for c in corpus.CROSS:
        if c[1] not in silo_topics:  # nobody asks a silo across departments
            cross_by_topic[c[0]].append(c)
    for t in ENG_TOPICS:
        cross_by_topic.setdefault(t, cross_by_topic["engineering"])

    total = max(1, int(len(staff) * posts_per_person))
    cum, acc = [], 0.0
    for p in staff:
        acc += p.activity
        cum.append(acc)
    authors = rng.choices(range(len(staff)), cum_weights=cum, k=total)
    start = now - timedelta(days=DAYS)
    stamps = []
    # seconds and microseconds, as real clocks give them (no two posts at the same instant), from their own
    # generator so the rest of the organisation stays what this seed always gave
    clock = random.Random(len(authors))
    for a in authors:
        # a rising person's posts are denser every month (density growing linearly over the history)
        day = min(DAYS - 1, int(DAYS * math.sqrt(rng.random()))) if staff[a].rising else rng.randrange(DAYS)
        d = start + timedelta(days=day)
        if d.weekday() >= 5 and rng.random() < 0.8:
            d -= timedelta(days=d.weekday() - 4)
        t = d.replace(hour=0) + timedelta(
            hours=min(22, max(6, int(rng.gauss(13, 3)))), minutes=rng.randrange(60)
        ) + timedelta(seconds=clock.randrange(60), microseconds=clock.randrange(1_000_000))
        joined = staff[a].joined
        if t < joined:
            t = joined + timedelta(hours=rng.randrange(1, 72))
        if t >= now:
            t = now - timedelta(minutes=rng.randrange(5, 600))
        stamps.append((t, a))
    stamps.sort(key=lambda x: (x[0], x[1]))

    tag_ids: dict[str, int] = {}
    ids = defaultdict(int)
    notify_after = now - timedelta(days=NOTIFY_DAYS)
    made = defaultdict(int)

    def nid(kind: str) -> int:
        ids[kind] += 1
        return ids[kind]

    def later(t: datetime, mean_hours: float) -> datetime:
        v = t + timedelta(minutes=1 + int(rng.expovariate(1 / (mean_hours * 60))),
                          microseconds=clock.randrange(1_000_000))
        return v if v < now else now - timedelta(minutes=rng.randrange(1, 30), microseconds=clock.randrange(1_000_000))

    # the cast (see CAST): brokers and growers take the first answer of some questions on their topics
    # (growers more each month), single experts answer every question on their niche topic. The
    # probabilities shrink with the organisation, so each of them answers a few dozen questions at any size.
    experts = [(p, corpus.NICHE[p.role.tag]) for p in cast_members(staff, "expert")]
    broker_p, grower_p = min(0.3, 45 / len(staff)), min(0.6, 120 / len(staff))
    niche_p = min(0.03, 24 * len(experts) / total)
    helpers: dict[str, list[tuple[Person, bool]]] = defaultdict(list)
    for kind_, grows in (("broker", False), ("grower", True)):
        for p in cast_members(staff, kind_):
            for t in p.role.topics:
                helpers[t].append((p, grows))
    silo_pools: dict[tuple[int, int], list[Person]] = {}  # a restricted space's members of one silo

    chunk_size = 5000
    posts = Rows(
        Post,
        [
            "id",
            "author",
            "space",
            "kind",
            "title",
            "body",
            "body_html",
            "created_at",
            "comment_count",
            "reaction_count",
            "question",
            "answer_count",
            "accepted_answer",
            "score",
        ],
    )
    votes = Rows(Vote, ["user", "post", "value", "created_at"])
    accepted: list[tuple[int, int]] = []  # (answer id, question id)
    comments = Rows(Comment, ["id", "post", "author", "parent", "body", "body_html", "created_at"])
    reactions = Rows(Reaction, ["user", "post", "comment", "kind", "created_at"])
    mentions = Rows(Mention, ["user", "post", "comment", "created_at"])
    notes = Rows(Notification, ["recipient", "actor", "verb", "post", "comment", "created_at", "read_at"])
    post_tags = Rows(Post.tags.through, ["post", "tag"])
    tags = Rows(Tag, ["id", "name", "description", "created_at"])
    with bars.bar(total, "posts") as bar:
        for c0 in range(0, total, chunk_size):
            for created, a in stamps[c0 : c0 + chunk_size]:
                author = staff[a]
                pid = nid("post")
                space = None
                if author.spaces and rng.random() < 0.6:
                    space = rng.choice(author.spaces)

                # who can read it (a pool to draw mentions, commenters and reactors from)
                # (a silo's people stay among themselves; a mixer's come mostly from everywhere)
                if space is not None and space.visibility != "open":
                    pool_a, pool_b, mix = space.members, space.members, 1.0
                    if author.silo:
                        key = (space.id, author.dept.id)
                        if key not in silo_pools:
                            silo_pools[key] = [p for p in space.members if p.dept is author.dept]
                        pool_a = pool_b = silo_pools[key]
                elif author.silo:
                    pool_a, pool_b, mix = author.dept.members, staff, 1.0 - SILO_LEAK
                elif space is not None:
                    pool_a, pool_b, mix = space.members, (staff if author.mixer else author.dept.members), 0.7
                else:
                    pool_a, pool_b, mix = author.dept.members, staff, 0.15 if author.mixer else 0.6

                def reader(exclude: Person = author) -> Person | None:
                    for _ in range(6):
                        p = rng.choice(pool_a if rng.random() < mix else pool_b)  # noqa: B023
                        if p is exclude:
                            continue
                        if p.silo and p.dept is not author.dept and rng.random() >= SILO_LEAK:  # noqa: B023
                            continue  # a silo's people rarely join conversations outside it
                        return p
                    return None

                post_mentioned: dict[int, Person] = {}

                def mention() -> str:
                    p = reader()
                    if p is None:
                        return "everyone"
                    post_mentioned[p.id] = p  # noqa: B023
                    return "@" + p.username

                topic_name = space.topic if space is not None else author.dept.topic
                topic = topics[topic_name]
                expert_dept = None
                kind, title, body = "post", "", ""
                values: dict = {}
                if space is not None and space.topic == "office":
                    values["{office}"] = space.name.removesuffix(" Office")
                elif author.location != REMOTE:
                    values["{office}"] = author.location
                cross = cross_by_topic.get(author.dept.topic) if space is None and not author.silo else None
                is_cross = bool(cross) and rng.random() < 0.08
                niche_pick = None  # (its one expert, the niche topic)
                if not is_cross and space is None and experts and not author.silo and rng.random() < niche_p:
                    options = [e for e in experts if e[0] is not author]
                    niche_pick = rng.choice(options) if options else None
                if is_cross:
                    _from, to, t_title, t_body = rng.choice(cross)
                    candidates = by_topic_people.get(to) or staff

                    def expert() -> str:
                        p = rng.choice(candidates)  # noqa: B023
                        if p is author:  # noqa: B023
                            return "everyone"
                        post_mentioned[p.id] = p  # noqa: B023
                        return "@" + p.username

                    kind = "question"
                    title = _sentence_case(writer.fill(t_title, topics[to], values, mention))
                    body = writer.fill(t_body, topics[to], values, mention, expert)
                    t_html = t_body
                    topic = topics[to]
                    expert_dept = to
                elif niche_pick is not None:
                    owner, topic = niche_pick

                    def expert_n(_o=owner) -> str:
                        post_mentioned[_o.id] = _o  # noqa: B023
                        return "@" + _o.username

                    kind = "question"
                    t_title, t_body = rng.choice(topic["questions"])
                    title = _sentence_case(writer.fill(t_title, topic, values, mention))
                    body = writer.fill(t_body, topic, values, mention, expert_n)
                    t_html = t_body
                else:
                    asks = space is not None and space.topic != author.dept.topic and topic["questions"]
                    if topic["questions"] and rng.random() < (0.65 if asks else 0.18):
                        kind = "question"
                        t_title, t_body = rng.choice(topic["questions"])
                    else:
                        t_title, t_body = rng.choice(topic["posts"])
                    title = _sentence_case(writer.fill(t_title, topic, values, mention)) if t_title else ""
                    body = writer.fill(t_body, topic, values, mention)
                    if "{mention}" not in t_body and _is_plain(t_body) and rng.random() < 0.12:
                        body += " " + writer.fill(rng.choice(corpus.CC), topic, {}, mention)
                    t_html = t_body

                # comments, replies and their mentions
                if kind == "question":
                    n_comments = rng.choices([0, 1, 2, 3, 4, 5, 6], [4, 20, 25, 20, 14, 10, 7])[0]
                else:
                    n_comments = min(8, int(rng.expovariate(1 / 1.3)))
                if expert_dept is not None:
                    n_comments = max(n_comments, 1)
                helper = None  # a broker or grower who writes the first answer
                if niche_pick is not None:
                    helper, n_comments = niche_pick[0], 1  # only its expert answers a niche question
                elif kind == "question":
                    frac = (created - start) / timedelta(days=DAYS)
                    for h, grows in helpers.get(expert_dept or topic_name, ()):
                        if (
                            h is not author
                            and not (author.silo and grows)  # a broker is a silo's one bridge
                            and h.joined < created
                            and (space is None or space.visibility == "open" or any(x is space for x in h.spaces))
                            and rng.random() < (grower_p * frac * frac if grows else broker_p)
                        ):
                            helper, n_comments = h, max(n_comments, 1)
                            break
                top_level: list[tuple[int, Person]] = []
                t_prev = created
                post_comments = 0
                # a question's replies written from an answer template become answers (Post rows)
                q_answers: list[tuple[int, Person, str, datetime, dict]] = []
                for i in range(n_comments):
                    cid = nid("comment")
                    parent = None
                    c_mentioned: dict[int, Person] = {}
                    if i > 0 and top_level and rng.random() < 0.35:
                        parent_id, parent_author = rng.choice(top_level)
                        who = (
                            author
                            if rng.random() < 0.5 and author is not parent_author
                            else reader(parent_author)
                        )
                        if who is None:
                            continue
                        parent = parent_id
                        c_body = rng.choice(corpus.REPLIES).format(parent="@" + parent_author.username)
                        if parent_author is not who:
                            c_mentioned[parent_author.id] = parent_author
                        else:
                            c_body = (
                                c_body.replace("@" + parent_author.username, "")
                                .replace("  ", " ")
                                .strip(" ,")
                            )
                    else:
                        if helper is not None and i == 0:
                            who = helper
                        elif expert_dept is not None and i == 0:
                            who = rng.choice(by_topic_people.get(expert_dept) or staff)
                            if who is author:
                                who = reader()
                        else:
                            who = reader()
                        if who is None:
                            continue
                        is_answer = False
                        if kind == "question" and (i == 0 or rng.random() < 0.5) and topic["answers"]:
                            tpl = rng.choice(topic["answers"])
                            is_answer = True
                        elif rng.random() < 0.5:
                            tpl = rng.choice(topic["comments"])
                        else:
                            tpl = rng.choice(corpus.GENERIC_COMMENTS)

                        def c_mention(_w=who, _m=c_mentioned) -> str:
                            p = reader(_w)
                            if p is None:
                                return "everyone"
                            _m[p.id] = p
                            return "@" + p.username

                        c_body = writer.fill(tpl, topic, dict(values), c_mention)
                        if is_answer:
                            t_prev = later(t_prev, 5)
                            q_answers.append((nid("post"), who, c_body, t_prev, c_mentioned))
                            continue
                        if "{mention}" not in tpl and rng.random() < 0.06:
                            c_body += " " + writer.fill(rng.choice(corpus.CC), topic, {}, c_mention)
                        top_level.append((cid, who))
                    t_prev = later(t_prev, 5)
                    comments.add(cid, pid, who.id, parent, c_body, render_plain_paragraphs([c_body]), t_prev)
                    post_comments += 1
                    for m in c_mentioned.values():
                        mentions.add(m.id, pid, cid, t_prev)
                    if t_prev >= notify_after:
                        read = t_prev < now - timedelta(days=3) and rng.random() < 0.9
                        targets = [(m, "mention") for m in c_mentioned.values() if m is not who]
                        if parent is not None:
                            pa = next(p for c, p in top_level if c == parent)
                            if pa is not who and pa.id not in c_mentioned:
                                targets.append((pa, "reply"))
                        elif author is not who:
                            targets.append((author, "comment"))
                        for r, verb in targets:
                            notes.add(
                                r.id,
                                who.id,
                                verb,
                                pid,
                                cid,
                                t_prev,
                                t_prev + timedelta(hours=rng.randrange(1, 48)) if read else None,
                            )
                    if rng.random() < 0.15:
                        fan = reader(who)
                        if fan is not None:
                            reactions.add(fan.id, None, cid, "like", later(t_prev, 3))

                # reactions on the post
                n_react = int(rng.expovariate(1 / (3.5 if space is None else 2.2)))
                reactors: dict[int, None] = {}
                for _ in range(min(n_react, 25)):
                    p = reader()
                    if p is not None:
                        reactors[p.id] = None
                for uid in reactors:
                    r_at = later(created, 8)
                    reactions.add(uid, pid, None, rng.choices(REACTION_KINDS, REACTION_WEIGHTS)[0], r_at)
                    if r_at >= now - timedelta(days=14):
                        notes.add(
                            author.id,
                            uid,
                            "reaction",
                            pid,
                            None,
                            r_at,
                            r_at + timedelta(hours=5) if rng.random() < 0.7 else None,
                        )

                for m in post_mentioned.values():
                    mentions.add(m.id, pid, None, created)
                    if created >= notify_after:
                        notes.add(
                            m.id,
                            author.id,
                            "mention",
                            pid,
                            None,
                            created,
                            created + timedelta(hours=2) if created < now - timedelta(days=3) else None,
                        )

                for name in find_hashtags(title + "\n" + body):
                    if name not in tag_ids:
                        tag_ids[name] = len(tag_ids) + 1
                        tags.add(tag_ids[name], name, "", start)
                    post_tags.add(pid, tag_ids[name])

                posts.add(
                    pid,
                    author.id,
                    space.id if space else None,
                    kind,
                    title[:200],
                    body,
                    writer.html(t_html, body, values),
                    created,
                    post_comments,
                    len(reactors),
                    None,
                    len(q_answers),
                    None,  # the accepted answer is set once the answers are written (below)
                    0,
                )
                if q_answers and rng.random() < 0.55:
                    accepted.append((q_answers[0][0], pid))
                for aid, who, a_body, a_at, a_mentioned in q_answers:
                    voters = {p.id for p in (reader(who) for _ in range(rng.choice([0, 0, 1, 1, 2, 3, 4]))) if p}
                    voters.discard(who.id)
                    for uid in voters:
                        votes.add(uid, aid, 1, later(a_at, 12))
                    posts.add(
                        aid, who.id, space.id if space else None, "answer", "", a_body,
                        render_plain_paragraphs([a_body]), a_at, 0, 0, pid, 0, None, len(voters),
                    )
                    for m in a_mentioned.values():
                        mentions.add(m.id, aid, None, a_at)
                    if a_at >= notify_after and who is not author:
                        notes.add(author.id, who.id, "answer", aid, None, a_at, None)
            with transaction.atomic():
                for k, rows in (
                    ("tags", tags),
                    ("posts", posts),
                    ("votes", votes),
                    ("post_tags", post_tags),
                    ("comments", comments),
                    ("reactions", reactions),
                    ("mentions", mentions),
                    ("notifications", notes),
                ):
                    made[k] += rows.flush()
                if accepted:
                    with connection.cursor() as cur:
                        cur.executemany("UPDATE posts_post SET accepted_answer_id = %s WHERE id = %s", accepted)
                    accepted.clear()
            bar.update(min(chunk_size, total - c0))
    return dict(made)


ROUTING_DAYS = 21  # questions of the last three weeks were routed to experts
ROUTING_MAX_QUESTIONS = 3000
PENDING_HOURS = 20  # unanswered questions younger than this still wait (escalation comes after 24 h)
PENDING_PER_PERSON = 3
WEEKLY_ASKS = 4  # below the product's default weekly cap (5), so live routing still reaches everyone


def _write_routing(rng: random.Random, now: datetime, bars) -> dict:
    """Routing history as the product would have written it: each recent question was sent to up to
    three people who answered questions with its tags (never the asker, only people who may read it).
    Those who answered it are recorded as answered (with their response time); the others passed
    ("not my area" or "busy") or did not reply; on the newest unanswered questions they are still
    waiting, with a "routed" notification."""
    from collections import Counter

    from chrysalis.experts.actions import WHY_TOPICS
    from chrysalis.experts.models import RoutingRequest
    from chrysalis.notifications.models import Notification
    from chrysalis.posts.models import Post
    from chrysalis.spaces.models import Membership, Space, Visibility

    since = now - timedelta(days=ROUTING_DAYS)
    questions = list(
        Post.objects.filter(kind="question", created_at__gte=since, removed_at__isnull=True)
        .order_by("-created_at", "-pk")
        .values_list("pk", "author_id", "space_id", "created_at")[:ROUTING_MAX_QUESTIONS]
    )[::-1]
    if not questions:
        return {"routing requests": 0}
    tags_of: dict[int, list[int]] = defaultdict(list)
    tag_name: dict[int, str] = {}
    for pid, tid, name in Post.tags.through.objects.filter(post__kind="question").values_list(
        "post_id", "tag_id", "tag__name"
    ):
        tags_of[pid].append(tid)
        tag_name[tid] = name
    answers: dict[int, list[tuple[int, datetime]]] = defaultdict(list)
    by_tag: dict[int, Counter] = defaultdict(Counter)
    for qid, author, created in (
        Post.objects.filter(kind="answer", removed_at__isnull=True).order_by("pk").values_list(
            "question_id", "author_id", "created_at"
        )
    ):
        answers[qid].append((author, created))
        if created < since:  # who knew what before the routed period
            for t in tags_of.get(qid, ()):
                by_tag[t][author] += 1
    restricted = dict(Space.objects.exclude(visibility=Visibility.OPEN).values_list("pk", "visibility"))
    members: dict[int, set[int]] = defaultdict(set)
    for sid, uid in Membership.objects.filter(space_id__in=list(restricted)).values_list("space_id", "user_id"):
        members[sid].add(uid)
    rows, notes, pending, load = [], [], Counter(), Counter()
    bar = bars.bar(len(questions), "routing")
    for qid, asker, space_id, created in questions:
        bar.update(1)
        ranked = Counter()
        for t in tags_of.get(qid, ()):
            ranked.update(dict(by_tag[t].most_common(12)))
        readers = members[space_id] if space_id in restricted else None
        experts = [
            u
            for u, _ in sorted(ranked.items(), key=lambda kv: (-kv[1], kv[0]))
            if u != asker and (readers is None or u in readers)
        ]
        answered = {}
        for author, when in answers.get(qid, ()):
            answered.setdefault(author, when)
        asked_at = created + timedelta(minutes=rng.randint(1, 4))
        this_week = now - asked_at < timedelta(days=7)
        experts = [u for u in experts if not this_week or load[u] < WEEKLY_ASKS]
        chosen = [u for u in experts[:6] if u in answered][:2]
        chosen += [u for u in experts if u not in chosen][: 3 - len(chosen)]
        if this_week:
            load.update(chosen)
        young = now - created < timedelta(hours=PENDING_HOURS)
        for rank, expert in enumerate(chosen):
            why = [tag_name[t] for t in tags_of.get(qid, ()) if by_tag[t][expert]][:WHY_TOPICS]  # tags they answer
            req = RoutingRequest(question_id=qid, expert_id=expert, asked_at=asked_at, score=round(3.0 - rank * 0.4, 2),
                                 topics=why)
            if expert in answered and answered[expert] >= asked_at:
                req.status, req.answered_at = RoutingRequest.Status.ANSWERED, answered[expert]
                req.response_seconds = int((answered[expert] - asked_at).total_seconds())
            elif young and pending[expert] < PENDING_PER_PERSON:  # as in the product: until they act
                pending[expert] += 1
                notes.append(Notification(recipient_id=expert, actor_id=asker, verb=Notification.Verb.ROUTED,
                                          post_id=qid, created_at=asked_at))
            else:
                roll = rng.random()
                if roll < 0.35 or young:
                    reason = RoutingRequest.Reason.NOT_MY_AREA if roll < 0.25 else RoutingRequest.Reason.BUSY
                    declined = min(asked_at + timedelta(minutes=rng.randint(5, 600)), now)
                    req.status, req.declined_at, req.declined_reason = RoutingRequest.Status.DECLINED, declined, reason
                    req.response_seconds = int((declined - asked_at).total_seconds())
                else:
                    req.status = RoutingRequest.Status.EXPIRED
            rows.append(req)
    bar.close()
    with transaction.atomic():
        RoutingRequest.objects.bulk_create(rows, batch_size=BATCH)
        Notification.objects.bulk_create(notes, batch_size=BATCH)
    return {"routing requests": len(rows), "routed notifications": len(notes)}


def _reset_sequences() -> None:
    """Rows were written with explicit ids: move PostgreSQL's sequences past them (SQLite does it itself)."""
    from django.apps import apps

    models = [
        m
        for app in ("people", "spaces", "posts", "notifications")
        for m in apps.get_app_config(app).get_models()
    ]
    models += [apps.get_model("people.User").skills.through, apps.get_model("posts.Post").tags.through]
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cur:
            for sql in statements:
                cur.execute(sql)


def _print_signin(staff: list[Person], counts: dict, stdout) -> None:
    from chrysalis.experts.models import RoutingRequest

    examples = [p for p in staff if not p.is_head and not p.has_reports and p.username != "admin"]
    waiting = set(RoutingRequest.objects.filter(status="pending").values_list("expert_id", flat=True))
    # an engineer with questions waiting for them, so that "Questions for you" has something to show
    eng = next((p for p in examples if p.dept.topic in ENG_TOPICS and p.id in waiting), None)
    eng = eng or next((p for p in examples if p.dept.topic in ENG_TOPICS), examples[0])
    sales = next((p for p in examples if p.dept.topic == "sales"), examples[-1])
    summary = ", ".join(
        f"{counts.get(k, 0):,} {k}"
        for k in ("people", "spaces", "posts", "comments", "reactions", "notifications")
    )
    print(f"\nDemo organisation ready in {counts.get('seconds', 0)} s: {summary}.", file=stdout)
    print(f"Sign in with password '{DEMO_PASSWORD}' as:", file=stdout)
    print("  admin                  Ada Admin, administrator (IT)", file=stdout)
    for p in (eng, sales):
        extra = " - has questions waiting in Questions for you" if p.id in waiting else ""
        print(f"  {p.username:<22} {p.name}, {p.title} ({p.dept.name}){extra}", file=stdout)
    print("Every demo person has the same password.", file=stdout)
    names = {k: ", ".join(f"{p.name} ({p.username})" for p in cast_members(staff, k)) for k in ("broker", "grower")}
    niche = ", ".join(f"#{p.role.tag} ({p.username})" for p in cast_members(staff, "expert"))
    print("Where to look (organisation insights, profiles, impact):", file=stdout)
    print(f"  silos: {', '.join(SILOS)}; mixing widely: {', '.join(MIXERS)}", file=stdout)
    if names["broker"]:
        print(f"  brokers across departments: {names['broker']}", file=stdout)
    if niche:
        print(f"  topics only one person answers: {niche}", file=stdout)
    if names["grower"]:
        print(f"  answering more every month: {names['grower']}", file=stdout)
