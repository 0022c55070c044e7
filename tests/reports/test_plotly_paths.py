"""Plotly's property paths parsed once: the same parts, fresh lists, on the checked Plotly."""

import plotly.basedatatypes as base
import plotly.graph_objects as go

from reports import plotly_paths


def test_paths_are_parsed_through_the_cache_on_the_checked_plotly():
    plotly_paths.install()
    assert plotly_paths.installed(), "Plotly changed: check reports/plotly_paths.py against it"


def test_a_cached_path_parses_as_plotly_does_and_each_caller_gets_its_own_list():
    plotly_paths.install()
    original = base._str_to_dict_path_full.original
    for path in ("paper_bgcolor", "margin.l", "xaxis.title.text", "data[0].marker_color", ""):
        first, second = base._str_to_dict_path_full(path), base._str_to_dict_path_full(path)
        assert first == original(path) == second
        assert first[1] is not second[1]


def test_figures_still_take_magic_underscore_and_dotted_properties():
    plotly_paths.install()
    fig = go.Figure(layout={"paper_bgcolor": "white"})
    fig.update_layout(xaxis_title_text="x", margin_l=12)
    fig.update_layout({"yaxis.title.text": "y"})
    assert fig.layout.xaxis.title.text == "x"
    assert fig.layout.margin.l == 12
    assert fig.layout.yaxis.title.text == "y"
    assert fig.layout.paper_bgcolor == "white"
