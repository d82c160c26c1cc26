"""Our signed public feed: only the allow-listed public fields of listed chapters, every
change once, deletions included, and nothing personal anywhere in it."""

import json

import pytest
from joserfc import jws

from chapters.enums import ChapterStatus
from chapters.models import Chapter
from federation import keys
from federation.records import DELETED_FIELDS, RECORD_FIELDS
from tests import factories
from tests.factories import CALL, VENUE, make_registration, make_session

pytestmark = pytest.mark.django_db


def key_of(client):
    document = client.get("/.well-known/chapter-directory").json()
    raw = keys.unb64(document["key"]["x"])
    assert document["fingerprint"] == keys.fingerprint(raw)
    return keys.verifying_key(raw)


def fetch(client, after=0, **params):
    response = client.get("/federation/feed/", {"after": after, **params})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/jose"
    signed = jws.deserialize_compact(response.content.decode(), key_of(client),
                                     algorithms=[keys.ALGORITHM])
    return json.loads(signed.payload), response


def test_the_feed_is_signed_by_the_key_in_the_key_document(client, chapter_a):
    payload, _response = fetch(client)
    assert [r["name"] for r in payload["records"]] == ["TWC Alpha"]


def test_a_tampered_feed_fails_the_signature(client, chapter_a):
    token = client.get("/federation/feed/").content.decode()
    header, body, signature = token.split(".")
    forged = keys.b64(keys.unb64(body).replace(b"TWC Alpha", b"TWC Evil!"))
    with pytest.raises(Exception):
        jws.deserialize_compact(".".join([header, forged, signature]), key_of(client),
                                algorithms=[keys.ALGORITHM])


def test_records_hold_the_allow_list_and_nothing_personal(client, chapter_a, alice, carol):
    session = make_session(chapter_a)
    make_registration(session, "newcomer-secret@example.org", name="Newcomer Secret")
    factories.make_membership(factories.make_user("pending-person@example.org"), chapter_a,
                              status="pending")
    payload, response = fetch(client)
    for record in payload["records"]:
        assert set(record) == RECORD_FIELDS
    text = response.content.decode() + json.dumps(payload)
    for secret in (VENUE, CALL, "newcomer-secret@example.org", "Newcomer Secret",
                   alice.email, carol.email, "pending-person@example.org", str(carol)):
        assert secret not in text
    assert payload["records"][0]["who_may_join"]  # the rules summary travels


def test_only_what_changed_after_the_cursor_comes_again(client, chapter_a, chapter_b):
    first, _ = fetch(client)
    assert {r["name"] for r in first["records"]} == {"TWC Alpha", "TWC Beta"}
    again, _ = fetch(client, first["cursor"])
    assert again["records"] == [] and again["cursor"] == first["cursor"]
    chapter_b.description = "New words"
    chapter_b.save()
    changed, _ = fetch(client, first["cursor"])
    assert [r["name"] for r in changed["records"]] == ["TWC Beta"]
    assert changed["cursor"] > first["cursor"]


def test_a_policy_change_republishes_the_chapter(client, chapter_a):
    first, _ = fetch(client)
    factories.make_policy(chapter_a, exclude_hire_fire=True)
    changed, _ = fetch(client, first["cursor"])
    assert [r["name"] for r in changed["records"]] == ["TWC Alpha"]
    assert changed["records"][0]["who_may_join"] != first["records"][0]["who_may_join"]


def test_unlisted_and_deleted_chapters_are_published_as_deletions(client, chapter_a):
    doomed = Chapter.objects.create(slug="doomed", name="TWC Doomed", latitude=1, longitude=1)
    first, _ = fetch(client)
    Chapter.objects.filter(pk=chapter_a.pk).update(is_listed=False)
    gone_id = str(doomed.pk)
    doomed.delete()
    changed, _ = fetch(client, first["cursor"])
    deletions = {r["id"] for r in changed["records"] if r.get("deleted")}
    assert deletions == {str(chapter_a.pk), gone_id}
    for record in changed["records"]:
        assert set(record) == DELETED_FIELDS


def test_a_graduated_chapter_carries_its_successor(client, chapter_a):
    Chapter.objects.filter(pk=chapter_a.pk).update(
        status=ChapterStatus.GRADUATED, successor_name="United Tech and Allied Workers",
        successor_url="https://utaw.example.org")
    payload, _ = fetch(client)
    assert payload["records"][0]["successor"] == {
        "name": "United Tech and Allied Workers", "url": "https://utaw.example.org"}


def test_pages_follow_each_other(client, baseline):
    for i in range(5):
        factories.make_chapter(f"c{i}")
    seen, cursor, more = [], 0, True
    while more:
        payload, _ = fetch(client, cursor, limit=2)
        seen += [r["id"] for r in payload["records"]]
        cursor, more = payload["cursor"], payload["more"]
    assert len(seen) == len(set(seen)) == 5


def test_a_cursor_past_our_last_number_starts_the_peer_over(client, chapter_a):
    payload, _ = fetch(client, 10**9)
    assert payload["reset"] is True
    assert [r["name"] for r in payload["records"]] == ["TWC Alpha"]


def test_the_public_federation_urls_set_no_cookie(client, chapter_a):
    client.cookies.clear()
    for url in ("/.well-known/chapter-directory", "/federation/feed/"):
        response = client.get(url)
        assert response.status_code == 200
        assert not response.cookies, url


@pytest.mark.parametrize("params", [{"after": "-1"}, {"after": "x"}, {"limit": "0"},
                                    {"after": "9" * 40}, {"limit": "１"}])
def test_a_malformed_cursor_is_a_400(client, params):
    assert client.get("/federation/feed/", params).status_code == 400
