"""An attachment whose raw message retention deleted (jobs.retention): 410 Gone with a Vietnamese
explanation, not a server error; and the unit page lists the file without a link to it."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from models.schema import Attachment, RawMessage, utcnow
from models.submissions import list_submissions
from reportbox.app import open_app
from tests.web.conftest import database

CAMPAIGN = "tk2019"


def test_an_attachment_whose_message_was_pruned_is_gone_with_a_reason(site, reader):
    with database(site) as session:
        view = next(v for v in list_submissions(session, CAMPAIGN)
                    if v.submission.unit and session.scalars(select(Attachment).where(
                        Attachment.raw_message_id == v.raw.id)).first())
        file = session.scalars(select(Attachment).where(Attachment.raw_message_id == view.raw.id)).first()
        session.get(RawMessage, view.raw.id).raw_deleted_at = utcnow()
        unit, filename = view.submission.unit, file.filename
    app = open_app(site, migrate=False)
    app.store.path(view.raw.sha256).unlink()  # what retention does once the row is marked
    app.close()
    link = f"/messages/{file.raw_message_id}/attachments/{file.position}"

    response = reader.get(link)
    assert response.status_code == 410, response.text
    message = html.unescape(re.search(r'<p class="error">(.*?)</p>', response.text, re.S).group(1))
    assert "không còn" in message and "thời hạn lưu giữ" in message

    page = reader.get(f"/campaigns/{CAMPAIGN}/units/{unit}")
    assert page.status_code == 200
    assert html.escape(filename) in page.text and f'href="{link}"' not in page.text
    assert "đã xoá theo thời hạn lưu giữ" in page.text
