"""The criteria of the 2017 and 2018 WWC standards.

Published: counts (50 criteria in 6 practices in 2017; 45 in 8 from 2018), the practice names,
and the wording of a handful of 2018 criteria (DG1, DG2, PA1, RDC6 by number; the data-quality,
open data, stakeholder engagement and AI criteria without a number). Everything else here (the
split of criteria between practices, the remaining wording, the numbering of unnumbered criteria
and the prerequisite map) is illustrative, and each row says so in `wording_source`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Criterion:
    criterion_id: str
    standard_version: int
    practice_area: str
    criterion_code: str
    criterion_name: str
    description: str
    prerequisite_code: str | None
    wording_source: str  # "published" or "illustrative"

    @property
    def prerequisite_criterion_id(self) -> str | None:
        if self.prerequisite_code is None:
            return None
        return f"{self.standard_version}-{self.prerequisite_code}"


PUBLISHED = "published"
ILLUSTRATIVE = "illustrative"

# Codes the generator treats specially: the article's most and least achieved criteria.
OPEN_DATA_CENTRAL_LOCATION = "2018-OD3"
AI_POLICY = "2018-PA7"

# (code, short name, description, prerequisite code, wording source)
_STANDARD_2018: dict[str, list[tuple[str, str, str, str | None, str]]] = {
    "Data Governance": [
        (
            "DG1",
            "Comprehensive data inventory",
            "The city keeps a comprehensive data inventory; passing takes 3 of 4 checks: "
            "a documented update method, updated in the last 12 months, covers more than 80% "
            "of departments, "
            "a version is online.",
            None,
            PUBLISHED,
        ),
        (
            "DG2",
            "Data governance structure",
            "Written data-governance duties, a designated leader or team, meeting at least "
            "quarterly.",
            None,
            PUBLISHED,
        ),
        (
            "DG3",
            "Data quality practice",
            "A data-quality practice: audits, a process to fix problems, standards for common "
            "fields and a feedback channel for data users.",
            "DG1",
            PUBLISHED,
        ),
        (
            "DG4",
            "Data sharing agreements",
            "Standard agreements govern sharing data between departments and with partners.",
            "DG2",
            ILLUSTRATIVE,
        ),
        (
            "DG5",
            "Privacy and data security policy",
            "A documented policy protects privacy and secures sensitive data.",
            None,
            ILLUSTRATIVE,
        ),
        (
            "DG6",
            "Data skills for staff",
            "Staff across departments are trained to use and manage data.",
            "DG2",
            ILLUSTRATIVE,
        ),
    ],
    "Open Data": [
        ("OD1", "Open data policy", "A codified public open data policy.", None, PUBLISHED),
        (
            "OD2",
            "Open data publishing process",
            "A documented process for publishing open data.",
            "OD1",
            PUBLISHED,
        ),
        (
            "OD3",
            "Open data in a central location",
            "Open data is published to a central public online location.",
            None,
            PUBLISHED,
        ),
        (
            "OD4",
            "Prioritised release schedule",
            "Datasets are prioritised for release on a published schedule.",
            "OD1",
            ILLUSTRATIVE,
        ),
        (
            "OD5",
            "Machine-readable formats and metadata",
            "Open datasets follow machine-readable formats and metadata standards.",
            None,
            ILLUSTRATIVE,
        ),
        (
            "OD6",
            "Open data programme review",
            "The open data programme is reviewed against its goals.",
            "OD1",
            ILLUSTRATIVE,
        ),
    ],
    "Performance & Analytics": [
        (
            "PA1",
            "Measurable citywide goals",
            "Set strategic goals, align measures with them, and use data to track progress.",
            None,
            PUBLISHED,
        ),
        (
            "PA2",
            "Regular performance reviews",
            "Leaders review progress on goals in regular performance meetings.",
            "PA1",
            ILLUSTRATIVE,
        ),
        (
            "PA3",
            "Public progress reporting",
            "Progress on goals is reported to the public.",
            "PA1",
            ILLUSTRATIVE,
        ),
        (
            "PA4",
            "Analytics projects",
            "The city runs analytics projects on operational problems.",
            None,
            ILLUSTRATIVE,
        ),
        (
            "PA5",
            "Analysis changes decisions",
            "Analysis informs changes to programmes and resources.",
            "PA4",
            ILLUSTRATIVE,
        ),
        (
            "PA6",
            "Performance management leader",
            "A designated leader or team runs performance management.",
            None,
            ILLUSTRATIVE,
        ),
        (
            "PA7",
            "AI policy or practice",
            "A documented policy or practice to harness the benefits of artificial intelligence "
            "while reducing its risks (practice area illustrative).",
            None,
            PUBLISHED,
        ),
    ],
    "Evaluations": [
        (
            "EV1",
            "Evaluation leader",
            "A designated leader or team is responsible for evaluations.",
            None,
            ILLUSTRATIVE,
        ),
        (
            "EV2",
            "Evaluation agenda",
            "A documented agenda of questions to evaluate.",
            "EV1",
            ILLUSTRATIVE,
        ),
        (
            "EV3",
            "Low-cost rigorous evaluations",
            "The city has run at least one rigorous, low-cost evaluation.",
            "EV1",
            ILLUSTRATIVE,
        ),
        (
            "EV4",
            "Evaluation results used",
            "Evaluation results are used in decisions.",
            None,
            ILLUSTRATIVE,
        ),
        (
            "EV5",
            "Evidence-based programmes",
            "Programmes are adapted from evidence of what works.",
            None,
            ILLUSTRATIVE,
        ),
    ],
    "Results-Driven Contracting": [
        (
            "RDC1",
            "Goals for key procurements",
            "Key procurements start from the outcomes the city wants.",
            None,
            ILLUSTRATIVE,
        ),
        (
            "RDC2",
            "Outcome metrics in contracts",
            "Contracts carry outcome metrics that flag when work is off track.",
            "RDC1",
            ILLUSTRATIVE,
        ),
        (
            "RDC3",
            "Vendors compared",
            "Vendor proposals are compared on expected results.",
            None,
            ILLUSTRATIVE,
        ),
        (
            "RDC4",
            "Incentives tied to goals",
            "Contract incentives are tied to the goals of the procurement.",
            "RDC1",
            ILLUSTRATIVE,
        ),
        (
            "RDC5",
            "Active contract management",
            "Key contracts are actively managed at least quarterly.",
            None,
            ILLUSTRATIVE,
        ),
        (
            "RDC6",
            "Vendor performance informs contracting",
            "Vendor performance data is used in later contracting decisions.",
            None,
            PUBLISHED,
        ),
        (
            "RDC7",
            "Procurement leader",
            "A designated leader or team drives results-driven contracting.",
            None,
            ILLUSTRATIVE,
        ),
    ],
    "Repurposing": [
        (
            "RP1",
            "Programme review for repurposing",
            "A process assesses programmes for funds that could be repurposed.",
            None,
            ILLUSTRATIVE,
        ),
        (
            "RP2",
            "Funds shifted from ineffective programmes",
            "Funds were shifted away from programmes that did not work.",
            None,
            ILLUSTRATIVE,
        ),
        (
            "RP3",
            "Funds shifted to evidence-based programmes",
            "Funds were shifted towards programmes backed by evidence.",
            None,
            ILLUSTRATIVE,
        ),
        (
            "RP4",
            "Repurposing decisions published",
            "Repurposing decisions and their reasons are made public.",
            None,
            ILLUSTRATIVE,
        ),
    ],
    "Stakeholder Engagement": [
        (
            "SE1",
            "Open data user insights",
            "The city tracks insights from users of its open data.",
            None,
            PUBLISHED,
        ),
        (
            "SE2",
            "How-to guidance for residents",
            "Residents get how-to guidance for using city data.",
            None,
            PUBLISHED,
        ),
        (
            "SE3",
            "Partnering with data users",
            "The city partners with data users on its open data policy.",
            None,
            PUBLISHED,
        ),
        (
            "SE4",
            "Residents invited to solve problems",
            "Residents are invited to use city data on community problems.",
            None,
            PUBLISHED,
        ),
        (
            "SE5",
            "Resident input on goals",
            "Residents are consulted when the city sets its goals.",
            None,
            ILLUSTRATIVE,
        ),
    ],
    "General Management": [
        (
            "GM1",
            "Data leader with citywide mandate",
            "A senior leader has a citywide mandate for data.",
            None,
            ILLUSTRATIVE,
        ),
        (
            "GM2",
            "Executive commitment",
            "The chief executive commits publicly to data-driven government.",
            None,
            ILLUSTRATIVE,
        ),
        (
            "GM3",
            "Data in budgeting",
            "Budget decisions draw on performance data.",
            None,
            ILLUSTRATIVE,
        ),
        (
            "GM4",
            "Capacity building",
            "The city invests in staff capacity for data and evidence.",
            None,
            ILLUSTRATIVE,
        ),
        (
            "GM5",
            "Cross-department coordination",
            "Departments coordinate data work through a standing group.",
            None,
            ILLUSTRATIVE,
        ),
    ],
}

# 2017 launch standard: 50 criteria in 6 practices. Only the counts and practice names are
# published; the split and the topics below are illustrative.
_STANDARD_2017: dict[str, tuple[str, list[str]]] = {
    "Open Data": (
        "OD",
        [
            "Open data policy",
            "Open data leader",
            "Publishing process",
            "Central portal",
            "Release schedule",
            "Data standards",
            "User feedback",
            "Public engagement on data",
            "Open data reporting",
        ],
    ),
    "Data Governance": (
        "DG",
        [
            "Data inventory",
            "Governance committee",
            "Data quality",
            "Data sharing",
            "Privacy policy",
            "Security practice",
            "Data roles",
            "Data training",
        ],
    ),
    "Performance Analytics": (
        "PA",
        [
            "Citywide goals",
            "Aligned measures",
            "Performance meetings",
            "Public reporting",
            "Analytics team",
            "Analytics projects",
            "Data-informed decisions",
            "Goal owners",
            "Target setting",
            "Performance leader",
        ],
    ),
    "Low-Cost Evaluations": (
        "EV",
        [
            "Evaluation leader",
            "Evaluation agenda",
            "Rigorous evaluation",
            "Evaluation partners",
            "Results used",
            "Evidence reviews",
            "Evaluation reporting",
        ],
    ),
    "Results-Driven Contracting": (
        "RDC",
        [
            "Procurement goals",
            "Outcome metrics",
            "Vendor comparison",
            "Incentives",
            "Contract management",
            "Vendor performance",
            "Procurement leader",
            "Procurement data",
            "Vendor outreach",
        ],
    ),
    "Repurposing for Results": (
        "RP",
        [
            "Programme review",
            "Funds shifted",
            "Evidence-based funding",
            "Budget process",
            "Repurposing leader",
            "Decision records",
            "Public reporting of shifts",
        ],
    ),
}


def _standard_2018() -> list[Criterion]:
    return [
        Criterion(f"2018-{code}", 2018, area, code, name, description, prereq, source)
        for area, rows in _STANDARD_2018.items()
        for code, name, description, prereq, source in rows
    ]


def _standard_2017() -> list[Criterion]:
    out = []
    for area, (prefix, topics) in _STANDARD_2017.items():
        for n, topic in enumerate(topics, start=1):
            code = f"{prefix}{n}"
            out.append(
                Criterion(
                    f"2017-{code}",
                    2017,
                    area,
                    code,
                    topic,
                    f"{area}: {topic.lower()} (2017 launch standard; topic illustrative).",
                    None,
                    ILLUSTRATIVE,
                )
            )
    return out


def catalog() -> list[Criterion]:
    """All criteria, 2017 standard first, in a stable order."""
    return _standard_2017() + _standard_2018()
