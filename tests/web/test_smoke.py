from tests.web.conftest import HOSTILE_SUBJECT


def test_campaign_page_lists_every_province(reviewer):
    page = reviewer.get("/campaigns/tk2019")
    assert page.status_code == 200
    assert page.text.count('<tr class="st-') == 63
    review = reviewer.get("/review")
    assert "&lt;script&gt;alert(&#39;subject&#39;)" in review.text
    assert HOSTILE_SUBJECT not in review.text
