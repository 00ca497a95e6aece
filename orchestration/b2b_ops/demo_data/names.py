"""Synthetic names: companies, people, job titles, survey comments.

All invented word lists; combinations are made unique with a number suffix.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from b2b_ops.demo_data.config import BUYING_ROLES, COUNTRIES, INDUSTRIES

COMPANY_WORDS: tuple[str, ...] = (
    "Acorn",
    "Alder",
    "Amber",
    "Apex",
    "Arbor",
    "Aspen",
    "Atlas",
    "Aurora",
    "Basalt",
    "Beacon",
    "Birch",
    "Blue Harbor",
    "Bramble",
    "Brightwater",
    "Cascade",
    "Cedar",
    "Clearwater",
    "Cobalt",
    "Copper",
    "Coral",
    "Crescent",
    "Crestline",
    "Delta",
    "Driftwood",
    "Eastgate",
    "Elm",
    "Ember",
    "Evergreen",
    "Falcon",
    "Fernhill",
    "Fjord",
    "Foxglove",
    "Garnet",
    "Glacier",
    "Granite",
    "Greenfield",
    "Harbor",
    "Hawthorn",
    "Heron",
    "Highland",
    "Horizon",
    "Indigo",
    "Ironwood",
    "Juniper",
    "Keystone",
    "Kestrel",
    "Lakeside",
    "Larch",
    "Laurel",
    "Linden",
    "Lodestar",
    "Maple",
    "Marigold",
    "Meadow",
    "Meridian",
    "Millbrook",
    "Northwind",
    "Oakridge",
    "Onyx",
    "Orchid",
    "Pinecrest",
    "Polaris",
    "Quarry",
    "Redwood",
    "Ridgeway",
    "Riverbend",
    "Saffron",
    "Sage",
    "Sequoia",
    "Silverline",
    "Skyline",
    "Solstice",
    "Sparrow",
    "Stonebridge",
    "Summit",
    "Sunridge",
    "Tamarack",
    "Thistle",
    "Timber",
    "Trident",
    "Tundra",
    "Valley",
    "Vantage",
    "Westbrook",
    "Willow",
    "Windmill",
    "Zephyr",
)
INDUSTRY_WORDS: dict[str, tuple[str, ...]] = {
    "manufacturing": ("Fabrication", "Industries", "Machining", "Components", "Works", "Tooling"),
    "retail": ("Retail", "Stores", "Outfitters", "Market", "Goods", "Trading"),
    "finance": ("Capital", "Finance", "Lending", "Payments", "Partners", "Advisory"),
    "healthcare": ("Health", "Clinics", "Medical", "Care", "Diagnostics", "Labs"),
    "technology": ("Software", "Systems", "Digital", "Labs", "Networks", "Analytics"),
    "logistics": ("Logistics", "Freight", "Transport", "Shipping", "Cargo", "Distribution"),
    "education": ("Learning", "Academy", "Education", "Schools", "Tutoring", "Institute"),
    "energy": ("Energy", "Power", "Renewables", "Utilities", "Solar", "Grid"),
}
# Optional middle words: more distinct names before a number is needed.
QUALIFIERS: tuple[str, ...] = (
    "",
    "",
    "",
    "Group",
    "Partners",
    "Solutions",
    "Holdings",
    "International",
    "United",
    "Global",
    "Northern",
    "Pacific",
    "Atlantic",
    "Central",
)
LEGAL_SUFFIX: dict[str, str] = {
    "US": "Inc",
    "GB": "Ltd",
    "DE": "GmbH",
    "FR": "SAS",
    "NL": "BV",
    "ES": "SL",
    "IT": "SpA",
    "JP": "KK",
    "CA": "Corp",
    "AU": "Pty Ltd",
}
FIRST_NAMES: tuple[str, ...] = (
    "Ada",
    "Aiko",
    "Alex",
    "Amara",
    "Anna",
    "Ben",
    "Carla",
    "Chen",
    "Chloe",
    "Daniel",
    "Diego",
    "Elena",
    "Emma",
    "Farah",
    "Felix",
    "Grace",
    "Hana",
    "Hugo",
    "Ines",
    "Isaac",
    "Jana",
    "Jonas",
    "Julia",
    "Kenji",
    "Lara",
    "Leo",
    "Lina",
    "Lucas",
    "Maya",
    "Marco",
    "Mia",
    "Nadia",
    "Noah",
    "Olivia",
    "Omar",
    "Paula",
    "Priya",
    "Rafael",
    "Rosa",
    "Sam",
    "Sara",
    "Sofia",
    "Tariq",
    "Theo",
    "Uma",
    "Victor",
    "Yara",
    "Yuki",
    "Zoe",
    "Zain",
)
LAST_NAMES: tuple[str, ...] = (
    "Abbott",
    "Alvarez",
    "Baker",
    "Bauer",
    "Bianchi",
    "Brooks",
    "Castro",
    "Chan",
    "Costa",
    "Dubois",
    "Evans",
    "Fischer",
    "Garcia",
    "Hall",
    "Hayashi",
    "Ito",
    "Jansen",
    "Kaur",
    "Keller",
    "Khan",
    "Kim",
    "Lambert",
    "Lopez",
    "Martin",
    "Meyer",
    "Moreau",
    "Murphy",
    "Nakamura",
    "Novak",
    "Okafor",
    "Olsen",
    "Patel",
    "Perez",
    "Quinn",
    "Rossi",
    "Russo",
    "Sato",
    "Schmidt",
    "Silva",
    "Smith",
    "Suzuki",
    "Tanaka",
    "Taylor",
    "Visser",
    "Wagner",
    "Walsh",
    "Weber",
    "Wilson",
    "Young",
    "Zimmer",
)
JOB_TITLES: dict[str, tuple[str, ...]] = {
    "decision_maker": ("CEO", "CTO", "CFO", "COO", "VP Operations"),
    "user": ("Operations Analyst", "Planner", "Accountant", "Inventory Manager", "Team Lead"),
    "influencer": ("IT Architect", "Head of Data", "Consultant", "Process Engineer"),
    "other": ("Procurement Specialist", "Office Manager", "Assistant", "Legal Counsel"),
}
PROMOTER_COMMENTS: tuple[str, ...] = (
    "Great support team",
    "Saves us hours every week",
    "Reports are excellent",
    "Easy to roll out to new staff",
)
PASSIVE_COMMENTS: tuple[str, ...] = (
    "Works well, a few gaps",
    "Good value, setup took long",
    "Would like more integrations",
)
DETRACTOR_COMMENTS: tuple[str, ...] = (
    "Too many outages lately",
    "Hard to justify the cost",
    "Support is slow to answer",
    "Missing features we need",
)


def company_names(
    rng: np.random.Generator, industry: np.ndarray, country: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Unique company names and their e-mail domains (without `.example`)."""
    n = len(industry)
    first = np.array(COMPANY_WORDS, dtype=object)[rng.integers(0, len(COMPANY_WORDS), n)]
    pick = rng.integers(0, 6, n)
    second = np.array(
        [INDUSTRY_WORDS[INDUSTRIES[i]][j] for i, j in zip(industry, pick, strict=True)],
        dtype=object,
    )
    qualifier = np.array(QUALIFIERS, dtype=object)[rng.integers(0, len(QUALIFIERS), n)]
    base = pd.Series(first + " " + second + np.where(qualifier == "", "", " " + qualifier))
    # The same base name in two companies gets " 2", " 3"...: names stay unique.
    repeat = base.groupby(base).cumcount().to_numpy()
    suffix = np.where(repeat > 0, " " + (repeat + 1).astype(str).astype(object), "")
    unique_base = base.to_numpy() + suffix
    legal = np.array([LEGAL_SUFFIX[COUNTRIES[c]] for c in country], dtype=object)
    names = unique_base + " " + legal
    domains = pd.Series(unique_base).str.lower().str.replace(" ", "-", regex=False).to_numpy()
    return names, domains


def person_names(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """First and last names."""
    first = np.array(FIRST_NAMES, dtype=object)[rng.integers(0, len(FIRST_NAMES), n)]
    last = np.array(LAST_NAMES, dtype=object)[rng.integers(0, len(LAST_NAMES), n)]
    return first, last


def job_titles(rng: np.random.Generator, roles: np.ndarray) -> np.ndarray:
    """A title that fits each buying role (roles are codes into BUYING_ROLES)."""
    titles = np.empty(len(roles), dtype=object)
    for code, role in enumerate(BUYING_ROLES):
        rows = np.flatnonzero(roles == code)
        options = np.array(JOB_TITLES[role], dtype=object)
        titles[rows] = options[rng.integers(0, len(options), len(rows))]
    return titles


def nps_comments(rng: np.random.Generator, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A comment that fits each score, and whether one was left (about half are)."""
    comments = np.empty(len(scores), dtype=object)
    bands = ((0, 6, DETRACTOR_COMMENTS), (7, 8, PASSIVE_COMMENTS), (9, 10, PROMOTER_COMMENTS))
    for low, high, options in bands:
        rows = np.flatnonzero((scores >= low) & (scores <= high))
        choices = np.array(options, dtype=object)
        comments[rows] = choices[rng.integers(0, len(choices), len(rows))]
    return comments, rng.random(len(scores)) < 0.5
