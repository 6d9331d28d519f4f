"""'Who does what where' for one organisation — the shape shared by ``ctair who --json`` and ``GET /api/who``."""
from __future__ import annotations

from .entities import EntityIndex
from .named_queries import get_query
from .store import Store
from ctair.ontology.vocab import ROLE


def entity_id(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def who(store: Store, name: str, index: EntityIndex | None = None) -> dict:
    """Raises ``EntityNotFound`` (with close names) when no organisation has that name."""
    index = index or EntityIndex(store)
    organisation = index.resolve("organisation", name, "organisation")
    rows = store.select(get_query("who-does-what-where").text, {"organisation": organisation.iri})
    territories: dict[str, dict] = {}
    actions: list[dict] = []
    for row in rows:
        territory = {"id": row["territoryId"].value, "iri": row["territory"].value, "label": row["territoryLabel"].value}
        territories.setdefault(territory["id"], territory)
        actions.append(
            {
                "iri": row["action"].value,
                "label": row["actionLabel"].value,
                "role": ROLE.local_name(row["role"]),
                "territory": {"id": territory["id"], "label": territory["label"]},
                "contract": {
                    "iri": row["contract"].value,
                    "type": row["kind"].value,
                    "year": int(row["year"].value) if "year" in row else None,
                }
                if "contract" in row
                else None,
                "source": row["source"].value,
            }
        )
    return {
        "organisation": {
            "id": entity_id(organisation.iri.value),
            "iri": organisation.iri.value,
            "label": organisation.label,
            "aliases": [n for n in organisation.names if n != organisation.label and n != entity_id(organisation.iri.value)],
        },
        "territories": sorted(territories.values(), key=lambda t: t["label"]),
        "actions": actions,
    }
