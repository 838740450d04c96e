"""Evidence: what a party may attach, every refusal naming the file with nothing stored, and
who may see a file."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from disputes import services
from disputes.evidence import MAX_FILE_BYTES
from disputes.models import ActionKind, Dispute, Evidence
from tests.factories import make_user

from .factories import arbiter, disputed_order, staff

pytestmark = pytest.mark.django_db

PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (60, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, fmt)
    return buffer.getvalue()


def upload(name: str, data: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()]


@pytest.fixture
def dispute(market) -> Dispute:
    return disputed_order(market)


def add(dispute: Dispute, files: list, user=None, text: str = ""):
    return services.evidence_add(
        actor=user or dispute.opened_by, dispute_public_id=dispute.public_id, text=text, files=files
    )


def test_images_and_a_pdf_are_stored_with_the_text(dispute, media):
    items = add(
        dispute,
        [
            upload("bank.png", image_bytes()),
            upload("slip.jpg", image_bytes("JPEG"), "image/jpeg"),
            upload("statement.pdf", PDF, "application/pdf"),
        ],
        text="My bank's confirmation.",
    )
    assert [i.content_type for i in items] == ["image/png", "image/jpeg", "application/pdf"]
    assert [i.text for i in items] == ["My bank's confirmation.", "", ""]
    assert [i.original_name for i in items] == ["bank.png", "slip.jpg", "statement.pdf"]
    # random names, never the party's
    names = [Path(i.file.name).name for i in items]
    assert all(name not in ("bank.png", "slip.jpg", "statement.pdf") for name in names)
    assert Path(items[2].file.path).read_bytes() == PDF  # a PDF is stored as sent
    assert len(stored_files(media)) == 3
    assert dispute.actions.last().kind == ActionKind.EVIDENCE


def test_text_alone_is_evidence(dispute):
    (item,) = add(dispute, [], text="The transfer reference is 12345.")
    assert (item.text, item.file.name) == ("The transfer reference is 12345.", "")


def test_nothing_at_all_is_refused(dispute):
    with pytest.raises(services.DisputeInvalid, match="Write something"):
        add(dispute, [], text="  ")
    assert not Evidence.objects.exists()


def _refused(dispute: Dispute, media: Path, files: list, match: str) -> None:
    before = (Evidence.objects.count(), dispute.actions.count(), stored_files(media))
    with pytest.raises(services.DisputeInvalid, match=match) as refused:
        add(dispute, files, text="See the attached.")
    assert refused.value.field == "files"
    assert (Evidence.objects.count(), dispute.actions.count(), stored_files(media)) == before


def test_the_eleventh_file_is_refused(dispute, media):
    add(dispute, [upload(f"{n}.png", image_bytes()) for n in range(10)])
    _refused(dispute, media, [upload("eleven.png", image_bytes())], "at most 10 files")
    # the cap is per party: the other party still has all ten
    other = dispute.respondent
    assert len(add(dispute, [upload("a.png", image_bytes())], user=other)) == 1


def test_eleven_files_at_once_are_refused(dispute, media):
    files = [upload(f"{n}.png", image_bytes()) for n in range(11)]
    _refused(dispute, media, files, "at most 10 files")


def test_a_file_over_10_mb_is_refused(dispute, media):
    big = PDF[:-7] + b"%" * (MAX_FILE_BYTES + 1) + b"\n%%EOF\n"
    _refused(dispute, media, [upload("big.pdf", big, "application/pdf")], "larger than 10 MB")


def test_an_image_between_5_and_10_mb_is_accepted(dispute):
    # noise does not compress: a PNG of a few megabytes, above the general 5 MB cap
    import os

    noise = Image.frombytes("RGB", (1400, 1400), os.urandom(1400 * 1400 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, "PNG", compress_level=0)
    data = buffer.getvalue()
    assert 5 * 1024 * 1024 < len(data) < MAX_FILE_BYTES
    (item,) = add(dispute, [upload("noise.png", data)])
    assert item.content_type == "image/png"


@pytest.mark.parametrize(
    "marker",
    [b"/JavaScript", b"/JS (app.alert(1))", b"/Launch", b"/EmbeddedFiles", b"/J#61vaScript"],
)
def test_a_pdf_with_active_content_is_refused(dispute, media, marker):
    bad = PDF.replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S " + marker + b" >>")
    _refused(dispute, media, [upload("doc.pdf", bad, "application/pdf")], "active content")


def test_a_fake_pdf_is_refused(dispute, media):
    html = b"<html><script>alert(1)</script></html>"
    _refused(dispute, media, [upload("doc.pdf", html, "application/pdf")], "not a PDF")
    _refused(dispute, media, [upload("doc.bin", html, "text/html")], "nor a PDF")
    truncated = PDF.replace(b"%%EOF", b"")
    _refused(dispute, media, [upload("cut.pdf", truncated, "application/pdf")], "%%EOF")


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_an_image_with_appended_html_is_refused(dispute, media, fmt):
    html = b"<html><script>alert('owned')</script></html>"
    _refused(dispute, media, [upload(f"shot.{fmt.lower()}", image_bytes(fmt) + html)], "extra data")


def test_one_bad_file_refuses_them_all(dispute, media):
    files = [upload("good.png", image_bytes()), upload("bad.pdf", b"not a pdf", "application/pdf")]
    _refused(dispute, media, files, "bad.pdf")


def test_files_of_a_failed_commit_are_removed(dispute, media, monkeypatch):
    from disputes.services import parties as module

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(module, "act", broken)
    with pytest.raises(RuntimeError):
        add(dispute, [upload("a.png", image_bytes()), upload("b.png", image_bytes())])
    assert stored_files(media) == []
    assert not Evidence.objects.exists()


def test_strangers_and_closed_appeals_take_no_evidence(dispute, media):
    with pytest.raises(services.DisputeNotFound):
        add(dispute, [upload("a.png", image_bytes())], user=make_user())
    services.dispute_withdraw(actor=dispute.opened_by, dispute_public_id=dispute.public_id)
    with pytest.raises(services.DisputeStateError, match="withdrawn"):
        add(dispute, [upload("a.png", image_bytes())])
    assert stored_files(media) == []
    assert not Evidence.objects.exists()


# --- who sees a file -------------------------------------------------------------------------


def test_a_file_is_served_to_its_author_and_to_dispute_staff_only(dispute, client):
    (image,) = add(dispute, [upload("a.png", image_bytes())])
    (pdf,) = add(dispute, [upload("s.pdf", PDF, "application/pdf")])
    url = f"/disputes/evidence/{image.pk}/file/"

    client.force_login(dispute.opened_by)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    response = client.get(f"/disputes/evidence/{pdf.pk}/file/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")

    for outsider in (dispute.respondent, make_user(), staff()):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    client.force_login(arbiter())
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_the_page_lists_only_the_viewers_own_evidence(dispute, client):
    add(dispute, [], text="Opener's own words about the payment.")
    add(dispute, [], text="Respondent's reply about the bank.", user=dispute.respondent)
    client.force_login(dispute.opened_by)
    html = client.get(f"/disputes/{dispute.public_id}/").content.decode()
    assert "Opener&#x27;s own words" in html
    assert "Respondent" not in html
    client.force_login(dispute.respondent)
    html = client.get(f"/disputes/{dispute.public_id}/").content.decode()
    assert "Respondent&#x27;s reply" in html
    assert "Opener&#x27;s own" not in html
