"""Server-made SVG charts: well-formed SVG, every mark where its number says, text escaped."""

import xml.etree.ElementTree as ET

from chrysalis.web.charts import Series, bar_chart, column_chart, heatmap, line_chart, nice_max

NS = "{http://www.w3.org/2000/svg}"


def parse(svg) -> ET.Element:
    return ET.fromstring(str(svg))


def test_nice_max_rounds_up_to_1_2_5():
    assert [nice_max(v) for v in (0, 0.3, 1, 3, 7, 12, 51, 999)] == [1, 0.5, 1, 5, 10, 20, 100, 1000]


def test_line_chart_places_points_and_escapes_names():
    root = parse(line_chart("Answers <per> week", ["w1", "w2", "w3"], [Series("A & B", [0, 5, 10])]))
    assert root.attrib["role"] == "img" and root.attrib["aria-label"] == "Answers <per> week"
    dots = root.findall(f"{NS}circle")
    assert [d.find(f"{NS}title").text for d in dots] == ["A & B, w1: 0", "A & B, w2: 5", "A & B, w3: 10"]
    ys = [float(d.attrib["cy"]) for d in dots]
    assert ys[0] > ys[1] > ys[2]  # higher values are drawn higher
    assert abs((ys[0] - ys[1]) - (ys[1] - ys[2])) < 0.2  # linear scale


def test_bar_lengths_follow_the_numbers():
    root = parse(bar_chart("Topics", ["kafka", "dbt"], [8, 2]))
    bars = root.findall(f"{NS}rect")
    widths = [float(b.attrib["width"]) for b in bars]
    assert abs(widths[0] / widths[1] - 4.0) < 0.01
    assert [t.text for t in root.findall(f"{NS}text") if t.attrib["class"] == "chart-value"] == ["8", "2"]


def test_stacked_columns_and_heatmap_cells():
    root = parse(column_chart("People", ["Jan", "Feb"], [Series("readers", [3, 1]), Series("creators", [1, 1])]))
    rects = [r for r in root.findall(f"{NS}rect") if "chart-bar" in r.attrib["class"]]
    assert len(rects) == 4
    heights = [float(r.attrib["height"]) for r in rects]
    assert abs(heights[0] / heights[1] - 3.0) < 0.01  # Jan: readers 3 vs creators 1
    root = parse(heatmap("Who talks to whom", ["Sales", "Eng"], ["Sales", "Eng"], [[4, 0], [1, 8]]))
    cells = [r for r in root.findall(f"{NS}rect")]
    assert [c.attrib["class"] for c in cells] == ["chart-heat-3", "chart-heat-0", "chart-heat-1", "chart-heat-5"]
    assert [c.find(f"{NS}title").text for c in cells][1] == "Sales → Eng: 0"
