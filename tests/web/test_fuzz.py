"""Whatever a query string holds, the pages answer with a page (never a server error) and show
the text back only escaped."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

QUERY_KEYS = ("q", "status", "flag", "sort", "order", "as_of")
odd_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40) | st.sampled_from(
    ["<script>alert(1)</script>", "\"'><img src=x>", "2019-12-20", "2019-13-45", "late", "desc", "%00", "\u202e"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(QUERY_KEYS), odd_text, max_size=4))
def test_campaign_page_takes_any_query(shared_reader, params):
    response = shared_reader.get("/campaigns/tk2019", params=params)
    assert response.status_code in (200, 400), (params, response.status_code)
    plain_page = shared_reader.get("/campaigns/tk2019").text  # what is there without the query ("<a", "<")
    for value in params.values():
        if "<" in value and value not in plain_page:
            assert value not in response.text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["/api/campaigns/tk2019/status", "/api/submissions", "/api/messages", "/api/outbox",
                        "/campaigns/tk2019/sections/plan", "/campaigns/tk2019/units/01"]),
       st.dictionaries(st.sampled_from(("as_of", "state", "campaign", "kind", "only_with", "section")), odd_text,
                       max_size=3))
def test_other_pages_and_the_api_take_any_query(shared_reader, path, params):
    response = shared_reader.get(path, params=params)
    assert response.status_code in (200, 400, 404, 422), (path, params, response.status_code)
