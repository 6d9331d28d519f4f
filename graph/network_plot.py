"""Pictures of the organisation–territory network (matplotlib, no pyplot state: safe in a
server or a test; the ``draw_*`` functions draw on an ``Axes`` a notebook gives them).

* :func:`draw_network` — territories as blue squares, organisations as circles; the
  recurring organisations (in at least ``min_territories`` territories) are large, orange
  and labelled in bold, the others small and grey; edge width grows with the number of
  actions, solid edges carry at least one operator participation, dashed ones only other
  roles; a legend says all this.
* :func:`draw_recurring_bars` — organisations ranked by number of territories (the bar),
  with their number of actions written after it.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx
from matplotlib import patheffects, rc_context
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Annotation
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import Bbox

from ctair.errors import CtairError

from .network_metrics import recurring_organisations

if TYPE_CHECKING:
    from matplotlib.backends.backend_agg import RendererAgg

# node -> (x, y): networkx's layouts give arrays, the small cases tuples
Positions = dict[str, Any]

TERRITORY_COLOUR = "#2b6cb0"
RECURRING_COLOUR = "#dd6b20"
OTHER_COLOUR = "#a0aec0"
EDGE_COLOUR = "#4a5568"
PICTURE_SUFFIXES = (".png", ".svg")
_OUTLINE = [patheffects.withStroke(linewidth=3, foreground="white")]


class PlotError(CtairError, ValueError):
    """The picture cannot be drawn to that file; the message names it."""

    status, code = 400, "bad-parameter"


def _check_path(path: Path | str) -> Path:
    path = Path(path)
    if path.suffix.lower() not in PICTURE_SUFFIXES:
        raise PlotError(f"cannot draw to {path}: the file must end in .png or .svg")
    if not path.parent.exists():
        raise PlotError(f"cannot write {path}: the directory {path.parent} does not exist")
    return path


def short_label(label: str, width: int = 24) -> str:
    """``Office français de l'immigration et de l'intégration (OFII)`` → ``OFII``; other long
    names are wrapped on two lines."""
    label = label.strip()
    if len(label) > width and label.endswith(")") and "(" in label:
        acronym = label[label.rindex("(") + 1 : -1].strip()
        if 1 < len(acronym) <= 12:
            return acronym
    if len(label) > width:
        return "\n".join(textwrap.wrap(label, width)[:2])
    return label


def _component_layout(sub: nx.Graph[str], seed: int, scale: float) -> Positions:
    if sub.number_of_nodes() == 1:
        return {next(iter(sub)): (0.0, 0.0)}
    if sub.number_of_nodes() == 2:
        a, b = sorted(sub, key=str)
        return {a: (-scale, 0.0), b: (scale, 0.0)}
    if sub.number_of_nodes() <= 600:
        start = nx.spring_layout(sub, weight=None, seed=seed)
        return nx.kamada_kawai_layout(sub, weight=None, pos=start, scale=scale)
    return nx.spring_layout(
        sub, k=2.0 / math.sqrt(sub.number_of_nodes()), weight=None, iterations=200, seed=seed, scale=scale
    )


def _layout(graph: nx.Graph[str], seed: int) -> Positions:
    """The largest component in the unit square (Kamada–Kawai, or spring when large); the
    smaller components, each scaled to its size, on rows beneath it, largest first, so they
    neither drift to the edges nor pile up on each other."""
    comps = sorted(nx.connected_components(graph), key=lambda c: (-len(c), min(map(str, c))))
    main = comps[0]
    positions = dict(_component_layout(graph.subgraph(main), seed, 1.0))
    x, y, row_height = -1.0, -1.0 - 0.35, 0.0
    for comp in comps[1:]:
        radius = max(0.12, 0.6 * math.sqrt(len(comp) / len(main)))
        if x + 2 * radius > 1.0 and x > -1.0:
            x, y, row_height = -1.0, y - row_height - 0.3, 0.0
        for node, (px, py) in _component_layout(graph.subgraph(comp), seed, radius).items():
            positions[node] = (px + x + radius, py + y - radius)
        x += 2 * radius + 0.25
        row_height = max(row_height, 2 * radius)
    return positions


def draw_network(
    graph: nx.Graph[str],
    ax: Axes,
    *,
    min_territories: int = 2,
    seed: int = 42,
    title: str | None = None,
    max_territory_labels: int = 80,
) -> Axes:
    """Draw a bipartite organisation–territory network on ``ax``."""
    ax.set_axis_off()
    if graph.number_of_nodes() == 0:
        ax.text(
            0.5,
            0.5,
            "no organisation–territory links for these filters",
            ha="center",
            va="center",
            transform=ax.transAxes,
        )
        return ax
    positions = _layout(graph, seed)
    territories = [n for n, d in graph.nodes(data=True) if d["kind"] == "territory"]
    organisations = [n for n, d in graph.nodes(data=True) if d["kind"] == "organisation"]
    recurring = [n for n in organisations if graph.degree(n) >= min_territories]
    others = [n for n in organisations if graph.degree(n) < min_territories]
    actions = dict(graph.degree(weight="weight"))
    max_actions = max(max((d.get("weight", 1) for _, _, d in graph.edges(data=True)), default=1), 1)

    def width(d: Mapping[str, Any]) -> float:
        return 0.6 + 3.4 * (float(d.get("weight", 1)) - 1) / max(max_actions - 1, 1)

    solid = [(u, v) for u, v, d in graph.edges(data=True) if "operator" in d.get("roles", [])]
    dashed = [(u, v) for u, v, d in graph.edges(data=True) if "operator" not in d.get("roles", [])]
    for edges, style in ((solid, "solid"), (dashed, "dashed")):
        if edges:
            nx.draw_networkx_edges(
                graph,
                positions,
                edgelist=edges,
                ax=ax,
                style=style,
                alpha=0.55,
                edge_color=EDGE_COLOUR,
                width=[width(graph.edges[e]) for e in edges],
            )
    nx.draw_networkx_nodes(
        graph,
        positions,
        nodelist=others,
        ax=ax,
        node_shape="o",
        node_color=OTHER_COLOUR,
        node_size=[40 + 15 * actions[n] for n in others],
        edgecolors="white",
        linewidths=0.5,
    )
    nx.draw_networkx_nodes(
        graph,
        positions,
        nodelist=territories,
        ax=ax,
        node_shape="s",
        node_color=TERRITORY_COLOUR,
        node_size=[110 + 25 * actions[n] for n in territories],
        edgecolors="white",
        linewidths=0.8,
    )
    nx.draw_networkx_nodes(
        graph,
        positions,
        nodelist=recurring,
        ax=ax,
        node_shape="o",
        node_color=RECURRING_COLOUR,
        node_size=[160 + 120 * graph.degree(n) for n in recurring],
        edgecolors="black",
        linewidths=0.8,
    )

    small = graph.number_of_nodes() <= 40
    shown_territories = sorted(territories, key=lambda n: -actions[n])[:max_territory_labels]
    for node in shown_territories:
        x, y = positions[node]
        above = math.sqrt(110 + 25 * actions[node]) / 2 + 2
        ax.annotate(
            short_label(graph.nodes[node]["label"]),
            (x, y),
            xytext=(0, above),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=9,
            color=TERRITORY_COLOUR,
            path_effects=_OUTLINE,
            gid=f"label-{graph.nodes[node]['id']}",
        )
    for node in recurring:
        x, y = positions[node]
        # beside the circle, not under it: territory names sit above their squares, and an
        # organisation between two territories had its name written over the lower one's
        beside = math.sqrt(160 + 120 * graph.degree(node)) / 2 + 3
        ax.annotate(
            f"{short_label(graph.nodes[node]['label'])} ({graph.degree(node)})",
            (x, y),
            xytext=(beside, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=10,
            fontweight="bold",
            color="black",
            path_effects=_OUTLINE,
            gid=f"label-{graph.nodes[node]['id']}",
        )
    if small:
        for node in others:
            x, y = positions[node]
            ax.annotate(
                short_label(graph.nodes[node]["label"]),
                (x, y),
                xytext=(0, -8),
                textcoords="offset points",
                ha="center",
                va="top",
                fontsize=8,
                color="#4a5568",
                path_effects=_OUTLINE,
                gid=f"label-{graph.nodes[node]['id']}",
            )

    legend = [
        Line2D(
            [],
            [],
            marker="s",
            linestyle="",
            markersize=10,
            markerfacecolor=TERRITORY_COLOUR,
            markeredgecolor="white",
            label=f"territory ({len(territories)})",
        ),
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=12,
            markerfacecolor=RECURRING_COLOUR,
            markeredgecolor="black",
            label=f"organisation in ≥ {min_territories} territories ({len(recurring)}), labelled with their count",
        ),
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=7,
            markerfacecolor=OTHER_COLOUR,
            markeredgecolor="white",
            label=f"other organisation ({len(others)})",
        ),
        Line2D(
            [],
            [],
            color=EDGE_COLOUR,
            alpha=0.55,
            linewidth=width({"weight": 1}),
            label="1 action, with an operator role",
        ),
    ]
    if max_actions > 1:
        legend.append(
            Line2D(
                [],
                [],
                color=EDGE_COLOUR,
                alpha=0.55,
                linewidth=width({"weight": max_actions}),
                label=f"{max_actions} actions",
            )
        )
    if dashed:
        legend.append(
            Line2D(
                [],
                [],
                color=EDGE_COLOUR,
                alpha=0.55,
                linewidth=1,
                linestyle="dashed",
                label="only partner, funder… roles",
            )
        )
    ax.legend(handles=legend, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=9, frameon=False, borderaxespad=0.5)
    ax.margins(0.08)
    ax.set_aspect("equal", adjustable="datalim")
    if title:
        ax.set_title(title, fontsize=13, loc="left")
    return ax


def draw_recurring_bars(
    graph: nx.Graph[str], ax: Axes, *, top: int = 25, min_territories: int = 1, title: str | None = None
) -> Axes:
    """Horizontal bars: the organisations in the most territories (and their actions)."""
    ranking = recurring_organisations(graph, min_territories=min_territories)[:top]
    if not ranking:
        ax.set_axis_off()
        ax.text(0.5, 0.5, "no organisation for these filters", ha="center", va="center", transform=ax.transAxes)
        return ax
    labels = [r["label"] for r in ranking][::-1]
    values = [r["territories"] for r in ranking][::-1]
    colours = [RECURRING_COLOUR if v >= 2 else OTHER_COLOUR for v in values]
    bars = ax.barh(range(len(values)), values, color=colours, edgecolor="none")
    ax.set_yticks(range(len(values)), labels, fontsize=9)
    for bar, r in zip(bars, ranking[::-1]):
        ax.text(
            bar.get_width() + 0.05,
            bar.get_y() + bar.get_height() / 2,
            f"{r['actions']} action{'s' if r['actions'] != 1 else ''}",
            va="center",
            fontsize=8,
            color="#4a5568",
        )
    ax.set_xlabel("number of territories")
    locator = ax.xaxis.get_major_locator()
    if isinstance(locator, MaxNLocator):  # the default locator of a bar chart's axis
        locator.set_params(integer=True)
    ax.set_xlim(0, max(values) * 1.25 + 0.5)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(title or "Organisations by number of territories", fontsize=12, loc="left")
    return ax


def network_figure(
    graph: nx.Graph[str], *, min_territories: int = 2, title: str | None = None, seed: int = 42, separate: bool = True
) -> tuple[Figure, Axes]:
    """The figure ``ctair network plot`` writes, and its axes."""
    n = graph.number_of_nodes()
    side = min(26.0, max(9.0, 5.0 + 0.9 * math.sqrt(max(n, 1)) * 1.6))
    # The figure takes the drawing's own proportions (plus the legend's column on the right): a
    # fixed wide figure left an empty third beside a drawing that is taller than wide.
    height, drawing_width = side * 0.8, side * 0.8
    if n:
        xs, ys = zip(*_layout(graph, seed).values())
        spread_x, spread_y = max(xs) - min(xs), max(ys) - min(ys)
        if spread_x > 0 and spread_y > 0:
            drawing_width = height * min(2.0, max(0.6, spread_x / spread_y))
    figure = Figure(figsize=(drawing_width + 4.0, height), layout="constrained")
    ax = figure.add_subplot()
    draw_network(graph, ax, min_territories=min_territories, title=title, seed=seed)
    if separate and n:
        separate_labels(figure, ax)
    return figure, ax


def plot_network(
    graph: nx.Graph[str], path: Path | str, *, min_territories: int = 2, title: str | None = None, seed: int = 42
) -> Path:
    path = _check_path(path)
    figure, _ = network_figure(graph, min_territories=min_territories, title=title, seed=seed)
    _save(figure, path)
    return path


def _label_boxes(figure: Figure, ax: Axes) -> tuple[list[Annotation], RendererAgg]:
    # a canvas attaches itself to the figure
    canvas = figure.canvas if isinstance(figure.canvas, FigureCanvasAgg) else FigureCanvasAgg(figure)
    figure.canvas.draw()  # the final layout: text extents are only known once drawn
    renderer = canvas.get_renderer()  # type: ignore[no-untyped-call]  # matplotlib's Agg backend has no annotations
    labels = [t for t in ax.texts if isinstance(t, Annotation) and str(t.get_gid() or "").startswith("label-")]
    return labels, renderer


def overlapping_labels(figure: Figure, ax: Axes) -> list[tuple[str, str]]:
    """Pairs of node labels whose boxes overlap (for the tests and for :func:`separate_labels`)."""
    labels, renderer = _label_boxes(figure, ax)
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in labels]
    return [(a, b) for i, (a, box) in enumerate(boxes) for b, other in boxes[i + 1 :] if box.overlaps(other)]


def separate_labels(figure: Figure, ax: Axes, tries: int = 10) -> None:
    """Move a label that overlaps one already placed down or up by its own height, alternately,
    further each try (territories first, then recurring organisations, then the others)."""
    labels, renderer = _label_boxes(figure, ax)
    placed: list[Bbox] = []
    for label in labels:
        x0, y0 = label.xyann
        box = label.get_window_extent(renderer)
        step = box.height * 72 / figure.dpi + 1
        for attempt in range(1, tries + 1):
            if not any(box.overlaps(other) for other in placed):
                break
            offset = step * ((attempt + 1) // 2) * (-1 if attempt % 2 else 1)
            label.xyann = (x0, y0 + offset)
            box = label.get_window_extent(renderer)
        placed.append(box)


def plot_recurring_bars(graph: nx.Graph[str], path: Path | str, *, top: int = 25, title: str | None = None) -> Path:
    path = _check_path(path)
    count = min(top, sum(1 for _, d in graph.nodes(data=True) if d.get("kind") == "organisation"))
    figure = Figure(figsize=(9, max(2.5, 0.32 * count + 1.2)), layout="constrained")
    draw_recurring_bars(graph, figure.add_subplot(), top=top, title=title)
    _save(figure, path)
    return path


def _save(figure: Figure, path: Path) -> None:
    try:
        with rc_context(
            {"svg.fonttype": "none"}
        ):  # SVG text stays text where it can (outlined labels are paths, with gid label-<id>)
            figure.savefig(
                path,
                dpi=150 if path.suffix.lower() == ".png" else None,
                metadata={"Software": "ctair"} if path.suffix.lower() == ".png" else None,
            )
    except OSError as error:
        raise PlotError(f"cannot write {path}: {error.strerror or error}") from error


def bars_path(path: Path | str) -> Path:
    """``net.png`` → ``net-bars.png``: where ``ctair network plot`` puts the bar chart."""
    path = Path(path)
    return path.with_name(f"{path.stem}-bars{path.suffix}")
