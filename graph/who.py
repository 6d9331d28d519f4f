"""'Who does what where' for one organisation — the shape shared by ``ctair who --json`` and ``GET /api/who``."""

from __future__ import annotations

from typing import Any

from ctair.ontology.vocab import ROLE

from .entities import Entity, EntityIndex
from .named_queries import get_query
from .store import Store
from .terms import iri_of


def entity_id(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def who(store: Store, name: str, index: EntityIndex | None = None) -> dict[str, Any]:
    """Raises ``EntityNotFound`` (with close names) when no organisation has that name."""
    index = index or EntityIndex(store)
    organisation = index.resolve("organisation", name, "organisation")
    # a network acts through its local members: its answer is theirs, each action saying which member
    members = (
        [e for e in index.entities if e.kind == "organisation" and e.network == organisation.iri]
        if organisation.is_network
        else []
    )
    rows = [
        (organisation, row)
        for row in store.select(get_query("who-does-what-where").text, {"organisation": organisation.iri})
    ]
    for member in members:
        rows += [
            (member, row) for row in store.select(get_query("who-does-what-where").text, {"organisation": member.iri})
        ]
    territories: dict[str, dict[str, str]] = {}
    actions: list[dict[str, Any]] = []
    for entity, row in rows:
        territory = {
            "id": row["territoryId"].value,
            "iri": row["territory"].value,
            "label": row["territoryLabel"].value,
        }
        territories.setdefault(territory["id"], territory)
        actions.append(
            {
                "iri": row["action"].value,
                "label": row["actionLabel"].value,
                "role": ROLE.local_name(iri_of(row["role"])),
                "territory": {"id": territory["id"], "label": territory["label"]},
                "contract": {
                    "iri": row["contract"].value,
                    "type": row["kind"].value,
                    "year": int(row["year"].value) if "year" in row else None,
                }
                if "contract" in row
                else None,
                "source": row["source"].value,
                **({"organisation": {"id": entity_id(entity.iri.value), "label": entity.label}} if members else {}),
            }
        )
    return {
        "organisation": {
            "id": entity_id(organisation.iri.value),
            "iri": organisation.iri.value,
            "label": organisation.label,
            "aliases": [
                n for n in organisation.names if n != organisation.label and n != entity_id(organisation.iri.value)
            ],
            # a local entity leads to its network (a department to its body): the level the analyses can count at
            "network": _network(index, organisation),
            "members": [
                {"id": entity_id(m.iri.value), "iri": m.iri.value, "label": m.label}
                for m in sorted(members, key=lambda m: m.label)
            ],
        },
        "territories": sorted(territories.values(), key=lambda t: t["label"]),
        "actions": actions,
    }


def _network(index: EntityIndex, organisation: Entity) -> dict[str, str] | None:
    network = index.by_iri.get(("organisation", organisation.network)) if organisation.network else None
    if network is None:
        return None
    return {"id": entity_id(network.iri.value), "iri": network.iri.value, "label": network.label}
