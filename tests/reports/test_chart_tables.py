"""Every chart's data as a table (its text alternative): built from the figure the page draws."""

import pytest

from banks.services import bank_to_engine
from reports.chart_tables import figure_table
from reports.charts import gantt_figure, report_figures
from reports.content import report_content
from tests.scenarios import answered_assessment, report_ready

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(default_bank, no_pdf):
    report = report_ready(answered_assessment(default_bank))
    assessment = report.assessment
    content = report_content(
        assessment=assessment,
        result=report.result,
        perception=report.perception,
        plan=list(assessment.action_items.all()),
        bank=bank_to_engine(assessment.bank),
    )
    figures = report_figures(content)
    figures["gantt"] = gantt_figure(list(assessment.action_items.all()))
    return content, figures


def test_the_radar_lists_each_dimension_once_with_target_and_practice(figures):
    content, figures = figures
    table = figure_table(figures["radar"])
    assert table.columns == ["Category", "What the strategy needs", "Current practice"]
    assert len(table.rows) == len([d for d in content.dimensions if d.mean_current is not None])
    label, cells = table.rows[0]
    assert "<br>" not in label
    assert label.startswith(content.dimensions[0].title.split()[0])
    assert cells[0] == f"{content.dimensions[0].mean_target:.2f}".rstrip("0").rstrip(".")


def test_the_area_bars_list_every_area_top_down_with_the_signed_gap(figures):
    content, figures = figures
    table = figure_table(figures["areas"])
    assert [label for label, _cells in table.rows] == [a.title for a in content.areas]
    assert all(cells[0][0] in "+-−0n" for _label, cells in table.rows)


def test_the_matrix_lists_its_points_with_both_measures(figures):
    content, figures = figures
    table = figure_table(figures["matrix"])
    assert len(table.rows) == len(content.priorities)
    assert len(table.columns) == 4
    assert table.rows[0][0].startswith("#")


def test_the_timeline_lists_each_action_with_its_dates(figures):
    content, figures = figures
    table = figure_table(figures["gantt"])
    assert table.columns[1:] == ["Status", "Start", "End"]
    assert len(table.rows) == len(content.plan)
    assert table.rows[0][0].startswith("1. ")
    assert all(cells[1] <= cells[2] for _label, cells in table.rows)


def test_the_fit_bars_keep_their_written_values(figures):
    _content, figures = figures
    table = figure_table(figures["fit"])
    assert len(table.rows) == 3


def test_a_heatmap_keeps_its_grid_top_down():
    figure = {
        "data": [
            {
                "type": "heatmap",
                "x": ["Owner (1)", "Staff (4)"],
                "y": ["B", "A"],
                "z": [[1.0, 2.0], [3.0, None]],
                "text": [["1.0", "2.0"], ["3.0", "–"]],
            }
        ],
        "layout": {"yaxis": {}},
    }
    table = figure_table(figure)
    assert table.columns == ["Row", "Owner (1)", "Staff (4)"]
    assert table.rows == [("A", ["3.0", "–"]), ("B", ["1.0", "2.0"])]


def test_series_over_dates_share_one_row_per_date():
    figure = {
        "data": [
            {"type": "scatter", "name": "Target", "x": ["2026-01-01", "2026-03-01"], "y": [10, 10]},
            {
                "type": "scatter",
                "name": "Readings",
                "x": ["2026-01-01", "2026-02-01"],
                "y": [4, 6.5],
            },
        ],
        "layout": {},
    }
    table = figure_table(figure)
    assert table.columns == ["Category", "Target", "Readings"]
    assert table.rows == [
        ("2026-01-01", ["10", "4"]),
        ("2026-02-01", ["–", "6.5"]),
        ("2026-03-01", ["10", "–"]),
    ]


def test_no_figure_no_table():
    assert figure_table(None) is None
    assert figure_table({"data": [], "layout": {}}) is None
