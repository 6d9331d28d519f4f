"""The organisation–territory network and its two projections, built from the store.

The facts come from the store through the internal named queries ``queries/_network-*.rq``
(no SPARQL here) into a :class:`NetworkData`; everything after that works on ``networkx``
graphs (the projections are counted with numpy over the biadjacency matrix), so the analyses
(``network_metrics``), the exports (``network_export``), the pictures (``network_plot``), the
3W table (``export_3w``), the CLI and the REST API share one extraction.

Graphs
------
``bipartite_network(data, filters)``
    Nodes are organisations and territories, keyed by their IRI (the identity: the registry
    already merged the spellings), with the attributes ``kind`` (``organisation`` |
    ``territory``), ``label``, ``id``, ``iri``, ``bipartite`` (0 organisations, 1 territories,
    the ``networkx.algorithms.bipartite`` convention) and, when known, ``insee_code``,
    ``department`` and ``org_type``. An edge joins an organisation to a territory when the
    organisation takes part in at least one action of the territory's contracts (that passes
    the filters) or in the contract itself (an organisation a zoom names takes part in the
    contract); its attributes are ``weight`` (actions and contracts), ``actions`` and ``contracts``
    (their numbers),
    ``action_iris``, ``roles``, ``axes`` (the themes, as ids), ``top_axes`` (their axes of the
    national strategy), ``sources``, ``contract_kinds`` and ``years`` (sorted lists).
``organisation_network(B)`` / ``territory_network(B)``
    The weighted projections: two organisations are linked when they work in the same
    territories, two territories when they share organisations; ``weight`` is the number of
    shared counterparts and ``shared`` their ids. Nodes without any link are kept.

Filters (:class:`NetworkFilter`): a role (``any`` or one of :data:`ROLES`), an axis (narrower
themes included), a contract kind and a year. They select the participations an edge is
made of; organisations and territories left without edges are not in the network.

Level (``NetworkFilter.level``): ``entity`` (default) counts each legal entity on its own (the
CAF of the Côte-d'Or and the CAF of the Puy-de-Dôme are two nodes); ``network`` counts each
entity as its network (org:memberOf; a city department as its Ville), so that the recurring
ranking answers "which networks are present in several territories". Every graph says its level
in ``graph.graph["level"]``.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import networkx as nx
import numpy as np
import numpy.typing as npt
from pyoxigraph import Literal

from ctair.errors import CtairError
from ctair.loaders.records import ContractKind, Role
from ctair.text import fold

from .named_queries import get_query
from .store import Store
from .terms import Row, Term

ROLES = tuple(role.value for role in Role)
LEVELS = ("entity", "network")
CONTRACT_KINDS = tuple(kind.value for kind in ContractKind)
NETWORKS = ("bipartite", "organisations", "territories")
ORGANISATION, TERRITORY = "organisation", "territory"


class NetworkError(CtairError, ValueError):
    """A filter or option has a value the network cannot use; the message says which and what is
    allowed, and for a filter ``parameter`` names it and ``allowed`` lists its values."""

    status, code = 400, "bad-parameter"

    def __init__(self, message: str, *, parameter: str | None = None, allowed: list[str] | list[int] | None = None):
        super().__init__(message)
        self.parameter, self.allowed = parameter, allowed

    def extra(self) -> dict[str, Any]:
        return {"parameter": self.parameter, "allowed": self.allowed} if self.parameter else {}


def local_name(iri: str) -> str:
    """The last segment of an IRI: ``…/role/operator`` → ``operator``."""
    return iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


# --------------------------------------------------------------------------------------------
# Facts read from the store
# --------------------------------------------------------------------------------------------


@dataclass
class EntityInfo:
    iri: str
    kind: str  # organisation | territory
    id: str
    label: str
    insee_code: str | None = None
    department: str | None = None
    types: list[str] = field(default_factory=list)  # ctair classes other than Organisation/Territory
    member_of: str | None = None  # IRI of the network an organisation is a member of
    sub_organisation_of: str | None = None  # IRI of the body an organisation is a service of


@dataclass
class AxisInfo:
    iri: str
    id: str
    label: str
    broader: str | None = None  # IRI of the direct broader concept


@dataclass
class QuantityInfo:
    """A figure as written: a value, or a range (minimum/maximum); a rate has a period; a part
    names its whole (``subset_of``, an IRI): never add a part to its whole, nor a range's bounds."""

    iri: str
    value: float | None
    unit: str | None  # unit id, e.g. "dwelling"
    label: str | None
    minimum: float | None = None
    maximum: float | None = None
    approximate: bool = False
    per: str | None = None  # unit id of a rate's period, e.g. "year"
    subset_of: str | None = None
    observed: str | None = None

    @property
    def low(self) -> float | None:
        return self.value if self.value is not None else self.minimum

    @property
    def high(self) -> float | None:
        return self.value if self.value is not None else self.maximum


@dataclass
class ActionInfo:
    """An action, or a contract in which organisations take part directly (``scope`` "contract")."""

    iri: str
    territory: str
    label: str = ""
    scope: str = "action"
    ordinal: int | None = None
    contract: str | None = None
    kind: str | None = None
    year: int | None = None
    axes: list[str] = field(default_factory=list)  # axis IRIs, as classified
    sources: list[str] = field(default_factory=list)
    quantities: list[QuantityInfo] = field(default_factory=list)


@dataclass(frozen=True)
class Participation:
    action: str
    organisation: str
    role: str  # role id, e.g. "operator"


def _text(row: Row, name: str) -> str | None:
    term = row.get(name)
    return None if term is None else term.value


def _language(term: Term) -> str | None:
    return term.language if isinstance(term, Literal) else None


def _number(row: Row, name: str) -> float | None:
    return float(row[name].value) if name in row else None


@dataclass
class NetworkData:
    """Everything the network analyses need, read once from a store."""

    entities: dict[str, EntityInfo]
    actions: dict[str, ActionInfo]
    participations: list[Participation]
    axes: dict[str, AxisInfo]

    # -- the axis hierarchy ------------------------------------------------------------------
    def axis_ancestors(self, iri: str) -> list[str]:
        """The concept and its broader concepts up to its top axis (cycles are cut)."""
        chain: list[str] = []
        seen: set[str] = set()
        current: str | None = iri
        while current and current not in seen:
            seen.add(current)
            chain.append(current)
            info = self.axes.get(current)
            current = info.broader if info else None
        return chain

    def top_axis(self, iri: str) -> str:
        return self.axis_ancestors(iri)[-1]

    def axis_id(self, iri: str) -> str:
        return self.axes[iri].id if iri in self.axes else local_name(iri)

    def axis_label(self, iri: str) -> str:
        return self.axes[iri].label if iri in self.axes else local_name(iri)

    def top_axes(self) -> list[str]:
        """The top-level axes (no broader concept), in label order."""
        return sorted((a.iri for a in self.axes.values() if a.broader is None), key=lambda i: fold(self.axis_label(i)))

    def resolve_axis(self, text: str) -> str:
        """An axis IRI from its IRI, id or label (accent- and case-insensitive)."""
        text = text.strip()
        if text in self.axes:
            return text
        wanted = fold(text)
        for axis in self.axes.values():
            if wanted in (fold(axis.id), fold(axis.label)):
                return axis.iri
        names = self.axis_ids()
        close = difflib.get_close_matches(wanted.replace(" ", "-"), names, n=5, cutoff=0.5)
        hint = f"; close names: {', '.join(close)}" if close else f"; known: {', '.join(names)}" if names else ""
        raise NetworkError(f"unknown axis {text!r}{hint}", parameter="axis", allowed=names)

    def axis_ids(self) -> list[str]:
        return sorted({axis.id for axis in self.axes.values()})

    def years(self) -> list[int]:
        """The years of the contracts (that have one)."""
        return sorted({a.year for a in self.actions.values() if a.year is not None})

    def check_year(self, year: int) -> int:
        """``year`` if a contract has it: an absent year is a typo more often than a question."""
        years = self.years()
        if year not in years:
            raise NetworkError(
                f"no contract of the year {year} (years: {', '.join(map(str, years)) or 'none'})",
                parameter="year",
                allowed=years,
            )
        return year

    def network_of(self, organisation: str) -> str:
        """The network an organisation counts as at level ``network``: its network, its body's
        network or its body (a city department counts as its Ville), else itself."""
        info = self.entities.get(organisation)
        if info is None:
            return organisation
        if info.member_of:
            return info.member_of
        if info.sub_organisation_of and info.sub_organisation_of != organisation:
            return self.network_of(info.sub_organisation_of)
        return organisation

    def action_matches_axis(self, action: ActionInfo, axis_iri: str) -> bool:
        return any(axis_iri in self.axis_ancestors(a) for a in action.axes)


def load_network_data(store: Store) -> NetworkData:
    """Read the organisations, territories, actions, participations and axes from ``store``."""
    entities: dict[str, EntityInfo] = {}
    labels: dict[str, tuple[int, str]] = {}
    for row in store.select(get_query("_network-entities").text):
        iri = row["entity"].value
        info = entities.get(iri)
        if info is None:
            info = entities[iri] = EntityInfo(
                iri, row["kind"].value, _text(row, "identifier") or local_name(iri), local_name(iri)
            )
        label = row.get("label")
        if label is not None:
            rank = {"fr": 0, None: 1}.get(_language(label), 2)
            if iri not in labels or rank < labels[iri][0]:
                labels[iri] = (rank, label.value)
                info.label = label.value
        info.insee_code = info.insee_code or _text(row, "inseeCode")
        info.department = info.department or _text(row, "department")
        info.member_of = info.member_of or _text(row, "memberOf")
        info.sub_organisation_of = info.sub_organisation_of or _text(row, "subOrganizationOf")
        kind_type = _text(row, "type")
        if kind_type and local_name(kind_type) not in info.types:
            info.types.append(local_name(kind_type))

    axes: dict[str, AxisInfo] = {}
    axis_labels: dict[str, int] = {}
    for row in store.select(get_query("_network-axes").text):
        iri = row["axis"].value
        axis = axes.setdefault(iri, AxisInfo(iri, local_name(iri), local_name(iri)))
        label = row.get("label")
        if label is not None:
            rank = {"fr": 0, None: 1}.get(_language(label), 2)
            if rank < axis_labels.get(iri, 3):
                axis_labels[iri] = rank
                axis.label = label.value
        if "broader" in row:
            axis.broader = row["broader"].value

    actions: dict[str, ActionInfo] = {}
    for row in store.select(get_query("_network-actions").text):
        iri = row["action"].value
        action = actions.get(iri)
        if action is None:
            action = actions[iri] = ActionInfo(iri, row["territory"].value, scope=_text(row, "scope") or "action")
        if "actionLabel" in row and (not action.label or _language(row["actionLabel"]) == "fr"):
            action.label = row["actionLabel"].value
        if "ordinal" in row and action.ordinal is None:
            action.ordinal = int(row["ordinal"].value)
        if "contract" in row and action.contract is None:
            action.contract = row["contract"].value
            action.kind = _text(row, "kind")
            action.year = int(row["year"].value) if "year" in row else None
    for row in store.select(get_query("_network-action-axes").text):
        action = actions.get(row["action"].value)
        if action is not None and row["axis"].value not in action.axes:
            action.axes.append(row["axis"].value)
    for row in store.select(get_query("_network-action-sources").text):
        action = actions.get(row["action"].value)
        if action is not None and row["source"].value not in action.sources:
            action.sources.append(row["source"].value)
    seen_quantities: set[str] = set()
    for row in store.select(get_query("_network-action-quantities").text):
        action = actions.get(row["action"].value)
        iri = row["quantity"].value
        if action is None or iri in seen_quantities:
            continue
        seen_quantities.add(iri)
        action.quantities.append(
            QuantityInfo(
                iri,
                _number(row, "value"),
                local_name(row["unit"].value) if "unit" in row else None,
                _text(row, "quantityLabel"),
                minimum=_number(row, "minimum"),
                maximum=_number(row, "maximum"),
                approximate=_text(row, "approximate") == "true",
                per=local_name(row["per"].value) if "per" in row else None,
                subset_of=_text(row, "subsetOf"),
                observed=_text(row, "observed"),
            )
        )
    for action in actions.values():
        action.axes.sort()
        action.sources.sort()
        action.quantities.sort(key=lambda q: q.iri)

    participations = sorted(
        {
            Participation(row["action"].value, row["organisation"].value, local_name(row["role"].value))
            for row in store.select(get_query("_network-participations").text)
            if row["action"].value in actions
        },
        key=lambda p: (p.action, p.organisation, p.role),
    )
    for p in participations:  # an organisation or territory missing from the registry still gets a node
        entities.setdefault(
            p.organisation,
            EntityInfo(p.organisation, ORGANISATION, local_name(p.organisation), local_name(p.organisation)),
        )
        territory = actions[p.action].territory
        entities.setdefault(territory, EntityInfo(territory, TERRITORY, local_name(territory), local_name(territory)))
    return NetworkData(entities, actions, participations, axes)


# --------------------------------------------------------------------------------------------
# Filters
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NetworkFilter:
    """Which participations make the network. ``axis`` is an IRI, id or label (narrower themes included)."""

    role: str = "any"
    axis: str | None = None
    kind: str | None = None
    year: int | None = None
    level: str = "entity"

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise NetworkError(
                f"unknown level {self.level!r} (choose from {', '.join(LEVELS)})",
                parameter="level",
                allowed=list(LEVELS),
            )
        if self.role != "any" and self.role not in ROLES:
            raise NetworkError(
                f"unknown role {self.role!r} (choose from any, {', '.join(ROLES)})",
                parameter="role",
                allowed=["any", *ROLES],
            )
        if self.kind is not None and self.kind.upper() not in CONTRACT_KINDS:
            raise NetworkError(
                f"unknown contract kind {self.kind!r} (choose from {', '.join(CONTRACT_KINDS)})",
                parameter="kind",
                allowed=list(CONTRACT_KINDS),
            )
        if self.year is not None and not isinstance(self.year, int):
            raise NetworkError(f"the year must be an integer, got {self.year!r}", parameter="year")

    @classmethod
    def parse(
        cls,
        data: NetworkData,
        role: str | None = None,
        axis: str | None = None,
        kind: str | None = None,
        year: str | None = None,
        level: str | None = None,
    ) -> NetworkFilter:
        """The filter that text values ask for (a query string's, a form's): a blank value is
        no filter (an HTML form sends ``axis=``), the level is ``entity`` unless ``network`` is
        asked; the axis is resolved (id, label or IRI) and the year must be one of the data's.
        Checked in the order level, role, kind, axis, year; the :class:`NetworkError` names
        the first wrong ``parameter`` and its ``allowed`` values."""
        role, kind, axis, year = (_blank(v) for v in (role, kind, axis, year))
        filters = cls(role=role or "any", kind=kind, level=_blank(level) or "entity")
        year_value = None
        if year is not None:
            try:
                year_value = int(year)
            except ValueError:
                raise NetworkError(
                    f"the year must be an integer, got {year!r}", parameter="year", allowed=data.years()
                ) from None
        return replace(
            filters,
            axis=data.axis_id(data.resolve_axis(axis)) if axis is not None else None,
            kind=kind.upper() if kind else None,
            year=data.check_year(year_value) if year_value is not None else None,
        )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def describe(self) -> str:
        parts = [f"role={self.role}"] + [
            f"{k}={v}" for k, v in (("axis", self.axis), ("kind", self.kind), ("year", self.year)) if v is not None
        ]
        return ", ".join(parts + [f"level={self.level}"])


def _blank(value: str | None) -> str | None:
    return None if value is None or not value.strip() else value.strip()


def selected_participations(data: NetworkData, filters: NetworkFilter = NetworkFilter()) -> list[Participation]:
    """The participations that pass ``filters``."""
    axis = data.resolve_axis(filters.axis) if filters.axis else None
    kind = filters.kind.upper() if filters.kind else None
    under_axis: dict[str, bool] = {}  # per classified axis IRI: a few dozen, shared by every action
    chosen: list[Participation] = []
    for p in data.participations:
        action = data.actions[p.action]
        if filters.role != "any" and p.role != filters.role:
            continue
        if kind is not None and (action.kind or "").upper() != kind:
            continue
        if filters.year is not None and action.year != filters.year:
            continue
        if axis is not None:
            for classified in action.axes:
                if classified not in under_axis:
                    under_axis[classified] = axis in data.axis_ancestors(classified)
            if not any(under_axis[classified] for classified in action.axes):
                continue
        chosen.append(p)
    return chosen


# --------------------------------------------------------------------------------------------
# Networks
# --------------------------------------------------------------------------------------------


def _node_attributes(info: EntityInfo) -> dict[str, Any]:
    attributes: dict[str, Any] = {
        "kind": info.kind,
        "label": info.label,
        "id": info.id,
        "iri": info.iri,
        "bipartite": 0 if info.kind == ORGANISATION else 1,
    }
    if info.insee_code:
        attributes["insee_code"] = info.insee_code
    if info.department:
        attributes["department"] = info.department
    if info.types:
        attributes["org_type" if info.kind == ORGANISATION else "territory_type"] = " ".join(sorted(info.types))
    return attributes


def bipartite_network(data: NetworkData, filters: NetworkFilter = NetworkFilter()) -> nx.Graph[str]:
    """The organisation–territory network (see the module docstring for its attributes)."""
    axis_ids: dict[str, tuple[str, str]] = {}  # axis IRI -> (its id, its top axis's id)
    # per link, per attribute: IRIs, ids, roles (str) or years (int)
    edges: dict[tuple[str, str], dict[str, set[Any]]] = defaultdict(lambda: defaultdict(set))
    for p in selected_participations(data, filters):
        action = data.actions[p.action]
        organisation = data.network_of(p.organisation) if filters.level == "network" else p.organisation
        edge = edges[(organisation, action.territory)]
        edge["action_iris" if action.scope == "action" else "contract_iris"].add(action.iri)
        if filters.level == "network" and organisation != p.organisation:
            edge["members"].add(data.entities[p.organisation].id)
        edge["roles"].add(p.role)
        for axis in action.axes:
            if axis not in axis_ids:
                axis_ids[axis] = (data.axis_id(axis), data.axis_id(data.top_axis(axis)))
            axis_id, top_axis_id = axis_ids[axis]
            edge["axes"].add(axis_id)
            edge["top_axes"].add(top_axis_id)
        edge["sources"].update(action.sources)
        if action.kind:
            edge["contract_kinds"].add(action.kind)
        if action.year is not None:
            edge["years"].add(action.year)
    graph: nx.Graph[str] = nx.Graph(network="bipartite", filters=filters.to_json(), level=filters.level)
    ordered = sorted(edges)
    # nodes in order of first appearance along the sorted edges: the node order of every export and layout
    nodes = dict.fromkeys(node for pair in ordered for node in pair)
    graph.add_nodes_from((node, _node_attributes(data.entities[node])) for node in nodes)
    graph.add_edges_from(
        (organisation, territory, _edge_attributes(edges[(organisation, territory)]))
        for organisation, territory in ordered
    )
    return graph


def _edge_attributes(edge: dict[str, set[Any]]) -> dict[str, Any]:
    names = (
        "action_iris",
        "contract_iris",
        "roles",
        "axes",
        "top_axes",
        "sources",
        "contract_kinds",
        "years",
        "members",
    )
    lists = {name: sorted(edge.get(name, ())) for name in names}
    if not lists["members"]:
        del lists["members"]  # only at level network, when members are grouped
    actions, contracts = len(lists["action_iris"]), len(lists["contract_iris"])
    return {"weight": actions + contracts, "actions": actions, "contracts": contracts, **lists}


def nodes_of_kind(graph: nx.Graph[str], kind: str) -> list[str]:
    return [n for n, d in graph.nodes(data=True) if d.get("kind") == kind]


def _projection(bipartite: nx.Graph[str], kind: str, name: str) -> nx.Graph[str]:
    other = TERRITORY if kind == ORGANISATION else ORGANISATION
    graph: nx.Graph[str] = nx.Graph(
        network=name, filters=bipartite.graph.get("filters", {}), level=bipartite.graph.get("level", "entity")
    )
    members = sorted(nodes_of_kind(bipartite, kind))
    graph.add_nodes_from((node, bipartite.nodes[node]) for node in members)
    # counterparts in the order of their ids, so that each link's ``shared`` comes out sorted
    counterparts = sorted(nodes_of_kind(bipartite, other), key=lambda node: (bipartite.nodes[node]["id"], node))
    if not members or not counterparts:
        return graph
    incidence = nx.bipartite.biadjacency_matrix(bipartite, counterparts, members, weight=None, format="csr")
    incidence.sort_indices()
    # Every counterpart links each pair of its members: one (first, second, counterpart) row per
    # pair and counterpart — the expansion behind the product incidenceᵀ·incidence, whose entries
    # are the weights — kept because each link also lists the counterparts it shares.
    firsts: list[npt.NDArray[np.int64]] = []
    seconds: list[npt.NDArray[np.int64]] = []
    shared_parts: list[npt.NDArray[np.int64]] = []
    for counterpart, (start, end) in enumerate(zip(incidence.indptr[:-1], incidence.indptr[1:])):
        linked = incidence.indices[start:end]
        left, right = np.triu_indices(len(linked), k=1)
        firsts.append(linked[left])
        seconds.append(linked[right])
        shared_parts.append(np.full(len(left), counterpart))
    first, second, shared_by = (np.concatenate(parts).astype(np.int64) for parts in (firsts, seconds, shared_parts))
    if not len(first):
        return graph
    # by pair, the order in which links are added (as sorted (u, v) with u < v); stable, so each
    # pair's counterparts stay in id order
    order = np.argsort(first * len(members) + second, kind="stable")
    first, second, shared_by = first[order], second[order], shared_by[order]
    starts = np.flatnonzero(np.r_[True, (first[1:] != first[:-1]) | (second[1:] != second[:-1])])
    ends = np.r_[starts[1:], len(first)]
    counterpart_ids = np.array([bipartite.nodes[node]["id"] for node in counterparts], dtype=object)[shared_by].tolist()
    graph.add_edges_from(
        (members[u], members[v], {"weight": end - start, "shared": counterpart_ids[start:end]})
        for u, v, start, end in zip(first[starts].tolist(), second[starts].tolist(), starts.tolist(), ends.tolist())
    )
    return graph


def organisation_network(bipartite: nx.Graph[str]) -> nx.Graph[str]:
    """Organisations linked by the territories they share (``weight`` = number of shared territories)."""
    return _projection(bipartite, ORGANISATION, "organisations")


def territory_network(bipartite: nx.Graph[str]) -> nx.Graph[str]:
    """Territories linked by the organisations they share (``weight`` = number of shared organisations)."""
    return _projection(bipartite, TERRITORY, "territories")


def build_network(
    data: NetworkData, network: str = "bipartite", filters: NetworkFilter = NetworkFilter()
) -> nx.Graph[str]:
    """One of :data:`NETWORKS` by name."""
    if network not in NETWORKS:
        raise NetworkError(f"unknown network {network!r} (choose from {', '.join(NETWORKS)})")
    bipartite = bipartite_network(data, filters)
    if network == "organisations":
        return organisation_network(bipartite)
    if network == "territories":
        return territory_network(bipartite)
    return bipartite


def axis_subnetworks(data: NetworkData, filters: NetworkFilter = NetworkFilter()) -> dict[str, nx.Graph[str]]:
    """One bipartite network per top-level axis that has actions ("who does housing where"),
    keyed by axis id; ``filters.axis`` is ignored."""
    networks: dict[str, nx.Graph[str]] = {}
    for axis in data.top_axes():
        graph = bipartite_network(data, NetworkFilter(filters.role, axis, filters.kind, filters.year, filters.level))
        if graph.number_of_edges():
            graph.graph["axis"] = data.axis_id(axis)
            graph.graph["axis_label"] = data.axis_label(axis)
            networks[data.axis_id(axis)] = graph
    return networks
