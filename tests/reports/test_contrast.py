"""Band, quadrant, status, severity and KPI badges are readable: text at least 4.5:1 against the
badge, on the web page (resonance.css, report.css) and in the PDF (report_print.css), and the
palette the charts share agrees (WCAG 2.2 AA, 1.4.3)."""

import re
from pathlib import Path

import pytest

from reports import palette

CSS = Path(__file__).resolve().parents[2] / "static" / "css"
BADGES = (".band-", ".quadrant-", ".status-", ".severity-", ".kpi-status-")
# The families' base rules, which give the text colour when a variant does not.
BASES = (".band", ".quadrant", ".status-badge", ".severity", ".kpi-status")
AA = 4.5


def _luminance(colour: str) -> float:
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _rules(path: Path) -> list[tuple[str, dict[str, str]]]:
    rules = []
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", path.read_text(encoding="utf-8")):
        declarations = {
            name.strip(): value.strip()
            for name, value in re.findall(r"([\w-]+)\s*:\s*([^;]+)", body)
        }
        for selector in selectors.split(","):
            rules.append((selector.strip(), declarations))
    return rules


@pytest.mark.parametrize("sheet", ["resonance.css", "report.css", "report_print.css"])
def test_every_badge_colour_pair_meets_aa(sheet):
    rules = _rules(CSS / sheet)
    base_text = {
        base: declarations["color"]
        for selector, declarations in rules
        for base in BASES
        if selector == base and "color" in declarations
    }
    checked = []
    for selector, declarations in rules:
        background = declarations.get("background") or declarations.get("background-color")
        if not background or not background.startswith("#"):
            continue
        family = next((b for b in BASES if selector.startswith(b) or f" {b}" in selector), None)
        if not any(prefix in selector for prefix in BADGES):
            continue
        text = declarations.get("color") or base_text.get(family or "", "#fff")
        checked.append((selector, round(contrast(text, background), 2)))
    assert checked, f"no badge rules found in {sheet}"
    weak = [(selector, ratio) for selector, ratio in checked if ratio < AA]
    assert not weak, f"{sheet}: badges under {AA}:1: {weak}"


def test_the_palette_colours_behind_white_text_meet_aa():
    white_text = {
        **{f"status {k}": v for k, v in palette.STATUS_COLOURS.items()},
        **{f"quadrant {k}": v for k, v in palette.QUADRANT_COLOURS.items() if k != "fill_in"},
    }
    weak = {name: round(contrast("#ffffff", c), 2) for name, c in white_text.items()}
    assert all(ratio >= AA for ratio in weak.values()), weak
    assert contrast("#212529", palette.QUADRANT_COLOURS["fill_in"]) >= AA  # dark text on amber
