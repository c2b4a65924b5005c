"""The sample caseload's invented people, places and staff, as tables.

Names go with a recorded ethnicity (ONS 2021 codes); towns come with their council,
jobcentre and probation delivery unit; the weights of release kinds and housing follow
what a resettlement team sees. Every name, address and phone number here is invented;
phone numbers are in Ofcom's drama range and email addresses use example.org. The logic
that draws from these tables is in :mod:`planner.demo.caseload` and
:mod:`planner.demo.evidence`.
"""

from __future__ import annotations

from planner.domain.person import ReleaseKind

# Names by ethnic group (ONS 2021 codes), so that a person's names and recorded ethnicity
# go together: (group, weight, men's forenames, women's forenames, surnames).
NAMES: tuple[tuple[str, int, tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "white_british",
        56,
        (
            "James",
            "Daniel",
            "Liam",
            "Connor",
            "Kyle",
            "Ryan",
            "Lewis",
            "Dean",
            "Kieran",
            "Darren",
            "Callum",
            "Shane",
            "Wayne",
            "Jason",
            "Craig",
            "Nathan",
            "Reece",
            "Gareth",
            "Stephen",
            "Owen",
            "Michael",
            "Jake",
            "Paul",
            "Dylan",
            "Lee",
            "Scott",
        ),
        ("Sarah", "Chloe", "Leanne", "Kelly", "Jade", "Natasha", "Shannon", "Rebecca", "Emma"),
        (
            "Smith",
            "Jones",
            "Taylor",
            "Brown",
            "Williams",
            "Wilson",
            "Johnson",
            "Davies",
            "Robinson",
            "Wright",
            "Thompson",
            "Evans",
            "Walker",
            "White",
            "Roberts",
            "Green",
            "Hall",
            "Wood",
            "Jackson",
            "Clarke",
            "Hughes",
            "Edwards",
            "Lewis",
            "Morgan",
            "Fletcher",
            "Barker",
            "Shaw",
            "Lloyd",
            "Harrison",
            "Marshall",
        ),
    ),
    (
        "white_irish",
        3,
        ("Sean", "Patrick", "Declan", "Ciaran"),
        ("Siobhan", "Aoife"),
        ("Murphy", "O'Brien", "Doyle", "McCarthy", "Kelly", "Byrne"),
    ),
    (
        "white_gypsy_traveller",
        3,
        ("John", "Tommy", "Levi", "Noah"),
        ("Mary", "Bridget"),
        ("Lee", "Price", "Boswell", "Lovell", "Loveridge"),
    ),
    (
        "white_other",
        6,
        ("Tomasz", "Piotr", "Marek", "Andrei", "Ionut", "Darius"),
        ("Agnieszka", "Ioana"),
        ("Kowalski", "Nowak", "Wisniewski", "Popescu", "Ionescu", "Kazlauskas"),
    ),
    (
        "black_caribbean",
        6,
        ("Marcus", "Tyrone", "Jermaine", "Andre", "Delroy"),
        ("Shanice", "Keisha"),
        ("Campbell", "Francis", "Baptiste", "Grant", "Thomas", "Brown"),
    ),
    (
        "black_african",
        5,
        ("Adebayo", "Chinedu", "Kwame", "Samuel", "Abdi"),
        ("Grace", "Amara"),
        ("Okafor", "Mensah", "Adeyemi", "Osei", "Mohamed", "Eze"),
    ),
    (
        "asian_pakistani",
        5,
        ("Imran", "Bilal", "Mohammed", "Usman", "Adil"),
        ("Zainab", "Amira"),
        ("Khan", "Hussain", "Ahmed", "Akhtar", "Iqbal"),
    ),
    (
        "asian_bangladeshi",
        2,
        ("Rahim", "Shahid", "Abdul"),
        ("Nasima", "Rupa"),
        ("Miah", "Uddin", "Rahman", "Ali"),
    ),
    (
        "mixed_white_black_caribbean",
        5,
        ("Jordan", "Kai", "Tyler", "Aaron", "Jaden"),
        ("Chantelle", "Jasmine"),
        ("Campbell", "Smith", "Francis", "Johnson", "Walker"),
    ),
    (
        "prefer_not_to_say",
        4,
        ("Mark", "Ben", "Adam", "Chris"),
        ("Laura", "Kim"),
        ("Parker", "Hill", "Cooper", "Ward"),
    ),
)
# Foreign nationals: (group, forename, surname, immigration status).
FOREIGN_NATIONALS = (
    ("white_other", "Tomasz", "Kowalczyk", "EU Settlement Scheme: settled status"),
    ("white_other", "Andrei", "Popa", "EU Settlement Scheme: pre-settled status"),
    ("black_african", "Chukwuma", "Obi", "Leave to remain; deportation being considered"),
    ("white_other", "Marius", "Vasile", "EU Settlement Scheme: application pending"),
)
TOWNS = (
    ("Leeds", "Leeds City Council", "Leeds Eastgate Jobcentre", "Leeds PDU"),
    (
        "Bradford",
        "City of Bradford Metropolitan District Council",
        "Bradford Jobcentre",
        "Bradford PDU",
    ),
    ("Sheffield", "Sheffield City Council", "Sheffield Eastern Avenue Jobcentre", "Sheffield PDU"),
    ("Wakefield", "Wakefield Council", "Wakefield Jobcentre", "Wakefield PDU"),
    ("Hull", "Hull City Council", "Hull Jobcentre", "Hull PDU"),
    ("Doncaster", "City of Doncaster Council", "Doncaster Jobcentre", "Doncaster PDU"),
)
STAFF = (
    "Priya Shah",
    "Tom Hargreaves",
    "Ngozi Eze",
    "Claire Boyd",
    "Rob Adeyemi",
    "Helen Walsh",
    "Sam Dobson",
    "Fatima Rahman",
)
# Community offender managers (probation staff), as many as STAFF so that drawing one uses
# the random stream as drawing from STAFF did: the rest of the sample stays as it was.
PROBATION_STAFF = (
    "Daniel Okafor",
    "Rachel Price",
    "Imran Hussain",
    "Gemma Lawson",
    "Kofi Mensah",
    "Joanne Pike",
    "Aled Morgan",
    "Sinead Byrne",
)
# Telephone numbers Ofcom keeps for drama, so no real office is ever rung: the Leeds and
# Sheffield ranges for those PDUs, the no-area range for the rest.
PDU_PHONE_PREFIX = {"Leeds PDU": "0113 496 0", "Sheffield PDU": "0114 496 0"}
DRAMA_PHONE_PREFIX = "01632 960"
STREETS = ("Example Road", "Sample Street", "Demo Avenue", "Placeholder Lane", "Test Close")

RELEASE_KINDS = (
    (ReleaseKind.CRD, 58),
    (ReleaseKind.SDS40, 16),
    (ReleaseKind.HDC, 12),
    (ReleaseKind.ARD, 9),
    (ReleaseKind.CONFIRMED, 5),
)
HOUSING = (
    ("settled", 45),
    ("temporary", 14),
    ("cas3", 16),
    ("cas1", 4),
    ("cas2", 5),
    ("no_fixed_abode", 16),
)

# What an officer has recorded of an item part way through: its first steps' fields.
FIRST_STEPS: dict[str, tuple[str, ...]] = {
    "release.date_confirmed": ("hdc_eligible",),
    "release.day_plan": ("phone", "met_by"),
    "id.documents": ("document_type", "date_applied", "funded_by"),
    "bank.account": ("bank", "date_applied"),
    "benefits.work_coach": ("ni_number_held",),
    "benefits.uc_appointment": ("jobcentre", "advance_discussed"),
    "accommodation.address": ("accommodation_type",),
    "accommodation.duty_to_refer": ("local_authority", "consent"),
    "accommodation.cas_referral": ("tier",),
    "psr.status": (),
    "handover.com_allocated": ("pdu",),
    "handover.meeting": ("attendees",),
    "handover.summary_sent": ("recipient", "format"),
    "health.gp": ("practice",),
    "health.medication": ("prescription_route",),
    "health.substance_misuse": ("provider",),
    "health.mental_health": ("service",),
    "work.plan": ("employment_lead_seen",),
    "family.contact": ("social_worker_contact",),
    "special.veteran": (),
    "special.foreign_national": ("immigration_status",),
    "special.care_leaver": ("contact",),
}
