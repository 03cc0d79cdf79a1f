"""A synthetic council, for tests and benchmarks of size: many reviews, long texts, every grade.

Deterministic for a given seed, so a card that fits today fits tomorrow.
"""

from __future__ import annotations

import random
from datetime import date

from documents.dates import round_label
from documents.grades import Grade
from documents.plan_format import (
    PlanDocument,
    PlannedAction,
    PlannedRecommendation,
    PlannedRound,
    ProgressEntry,
)

_TOPICS = [
    "digital inclusion",
    "library wifi",
    "online council tax",
    "bulky waste booking",
    "social care records",
    "school admissions",
    "planning portal",
    "customer contact centre",
    "housing repairs",
    "parking permits",
    "garden waste",
    "business rates",
    "adult learning",
    "young people's services",
    "community hubs",
]
_NAMES = [
    "Lorraine Dixon",
    "Liz Purdy",
    "Andrew Mearns",
    "Craig Taylor",
    "Mark Freeman",
    "Carly Dixon",
    "Ian Coxon",
    "Priya Shah",
    "Tom Wilkinson",
    "Aisha Khan",
    "Gareth Jones",
    "Helen Brooks",
]
_EVIDENCE = (
    "Work has continued with the service to review the {topic} offer. A project group met monthly and agreed "
    "a plan with milestones; user research with residents informed the design. "
    "- Survey of 110 residents completed\n- Pilot in two wards\n- Report to Digital Services Group\n"
    "See https://www.example.gov.uk/{slug} for the published update."
)


def synthetic_council(
    *, reviews: int = 40, recommendations: int = 15, actions: int = 4, rounds: int = 8, seed: int = 0
) -> list[PlanDocument]:
    """`reviews` plans; the last of `rounds` six-monthly rounds is open and about half answered."""
    rng = random.Random(seed)
    labels = [round_label(_month(2019, 3 + 6 * i)) for i in range(rounds)]
    plans = []
    for r in range(1, reviews + 1):
        recs = []
        for n in range(1, recommendations + 1):
            topic = _TOPICS[(r + n) % len(_TOPICS)]
            planned = []
            for a in range(1, actions + 1):
                owner = " / ".join(rng.sample(_NAMES, k=rng.choice((1, 1, 2))))
                planned.append(
                    PlannedAction(
                        group="For Council Staff" if a <= actions // 2 and n % 5 == 0 else None,
                        responsibility=owner if a % 4 else "Digital Services Group",
                        date=f"{labels[min(a, rounds - 1)]}" + (" – ongoing" if a % 3 == 0 else ""),
                        agreed_action=f"Action {a} on {topic}: review the service with its users.",
                        success_measure=f"Residents can use {topic} online and satisfaction is measured.",
                        progress=_progress(rng, labels, topic),
                    )
                )
            recs.append(
                PlannedRecommendation(
                    number=n,
                    text=f"The Council improves {topic} through digital services (review {r}).",
                    actions=planned,
                )
            )
        plans.append(
            PlanDocument(
                review=f"Synthetic Review {r:02d}",
                committee=f"Select Committee {1 + r % 5}",
                link_officers=[_NAMES[r % len(_NAMES)]],
                action_plan_agreed="March 2019",
                rounds=[PlannedRound(label=label, open=i == rounds - 1) for i, label in enumerate(labels)],
                recommendations=recs,
            )
        )
    return plans


def _progress(rng: random.Random, labels: list[str], topic: str) -> dict[str, ProgressEntry]:
    progress: dict[str, ProgressEntry] = {}
    done = False
    for i, label in enumerate(labels):
        if done:
            progress[label] = ProgressEntry(fully_achieved_carried=True)
            continue
        if i == len(labels) - 1 and rng.random() < 0.5:
            break  # the open round: not everyone has answered yet
        grade = rng.choices(list(Grade), weights=(2, 6, 2, 1))[0]
        progress[label] = ProgressEntry(
            evidence=_EVIDENCE.format(topic=topic, slug=topic.replace(" ", "-")),
            grade=grade,
            explanation="Delayed by the pandemic; new date agreed." if grade.needs_explanation else None,
            impact="More residents now self-serve." if rng.random() < 0.3 else None,
        )
        done = grade is Grade.FULLY_ACHIEVED
    return progress


def _month(year: int, month: int) -> date:
    return date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
