"""After a submission that did not pass, the proposal form says which chosen
files must be chosen again and that nothing else is lost (issue 11, item 7)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.error_summary import summary_of
from tests.proposals.factories import pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal_settings(settings, tmp_path):
    settings.PROPOSALS_FILES_ROOT = str(tmp_path / "private")
    settings.PROPOSALS_MIN_FILL_SECONDS = 0


def test_proposal_form_names_the_files_to_choose_again(client, form_data, proposal_settings):
    files = [
        SimpleUploadedFile("план.pdf", pdf_bytes(), content_type="application/pdf"),
        SimpleUploadedFile("фото.pdf", pdf_bytes(), content_type="application/pdf"),
    ]
    response = client.post(reverse("proposals:new"), {**form_data(email="не адрес"), "attachments": files})
    html = response.content.decode()
    summary = summary_of(html)
    assert summary["heading"] == "В форме 1 ошибка"  # the files line is advice, not an error
    notice = (
        "Файлы «план.pdf», «фото.pdf» не сохранились: выберите их снова перед отправкой. "
        "Всё остальное, что вы ввели, сохранено."
    )
    assert ("id_attachments", notice) in summary["items"]
    assert f'<div id="id_attachments_notice" class="alert alert-warning py-2 mb-1 small">{notice}</div>' in html
    # everything typed is still there
    assert "Предлагаю вывешивать меню столовой на неделю вперёд." in html
    assert 'value="Анна Иванова"' in html


def test_no_files_notice_without_files(client, form_data, proposal_settings):
    html = client.post(reverse("proposals:new"), form_data(email="не адрес")).content.decode()
    assert "не сохранил" not in html
    assert summary_of(html)["items"] == [("id_email", summary_of(html)["items"][0][1])]
