"""The dashboard's charts as SVG made on the server with pygal; no script, no CDN."""

from __future__ import annotations

import pygal
from pygal.etree import etree
from pygal.style import Style

from fillonce.quality.service import Rate

STYLE = Style(background="white", plot_background="white", font_family="sans-serif",
              colors=("#1f6feb", "#2da44e", "#d29922", "#cf222e", "#8250df"))


def _config(title: str) -> dict:
    # js=[]: pygal would otherwise link its tooltip script from the web.
    return {"title": title, "style": STYLE, "js": [], "width": 720, "height": 360, "explicit_size": True,
            "disable_xml_declaration": False, "print_values": False, "legend_at_bottom": True}


def _svg(chart) -> bytes:
    """The chart without pygal's inline configuration script: an image needs none, and pages allow none."""
    tree = chart.render_tree()
    for parent in list(tree.iter()):
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return b"<?xml version='1.0' encoding='utf-8'?>\n" + etree.tostring(tree)


def _percent(rate: float | None) -> float | None:
    return round(100 * rate, 1) if rate is not None else None


def rates_line(title: str, rates: list[Rate], labels: tuple[str, str]) -> bytes:
    chart = pygal.Line(range=(0, 100), **_config(title))
    chart.x_labels = [r.label for r in rates]
    chart.add(labels[0], [_percent(r.completeness) for r in rates])
    chart.add(labels[1], [_percent(r.timeliness) for r in rates])
    return _svg(chart)


def rates_bars(title: str, rates: list[Rate], labels: tuple[str, str]) -> bytes:
    chart = pygal.Bar(range=(0, 100), x_label_rotation=30, **_config(title))
    chart.x_labels = [r.label for r in rates]
    chart.add(labels[0], [_percent(r.completeness) for r in rates])
    chart.add(labels[1], [_percent(r.timeliness) for r in rates])
    return _svg(chart)


def counts_bars(title: str, counts: dict[str, int]) -> bytes:
    chart = pygal.Bar(show_legend=False, **_config(title))
    chart.x_labels = list(counts)
    chart.add(title, list(counts.values()))
    return _svg(chart)
