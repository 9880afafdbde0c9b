"""Sections: list and create."""

from __future__ import annotations

from newsdesk.newsroom.models import Section


def test_list_sections_in_list_format(anon, section):
    data = anon.get("/api/sections").json()
    assert data["next"] is None
    assert [(s["path"], s["parent"]) for s in data["items"]] == [
        ("world", None),
        ("world/asia", "world"),
    ]
    assert data["items"][1]["url"] == "/world/asia/"


def test_create_section_under_parent_slug(api, section):
    response = api.post("/api/sections", {"name": "Japan", "parent": "asia"})
    assert response.status_code == 201
    assert response.json()["path"] == "world/asia/japan"
    assert Section.objects.filter(path="world/asia/japan").exists()


def test_create_root_section_with_own_slug(api, db):
    response = api.post("/api/sections", {"name": "Business News", "slug": "business"})
    assert response.status_code == 201
    assert response.json()["path"] == "business"


def test_create_duplicate_section_is_409(api, section):
    response = api.post("/api/sections", {"name": "Asia", "parent": "world"})
    assert response.status_code == 409
    assert response.json()["error"] == "conflict"


def test_create_section_rejects_bad_input(api, section):
    assert api.post("/api/sections", {}).json()["detail"] == "The name field is required."
    assert api.post("/api/sections", {"name": "X", "parent": "mars"}).status_code == 400
    assert api.post("/api/sections", {"name": "!!!"}).status_code == 400
    assert api.post("/api/sections", {"name": 5}).status_code == 400


def test_ambiguous_slug_needs_the_path(api, section):
    from newsdesk.newsroom.services import section_create

    section_create(name="Asia", parent=section_create(name="Sport"))
    response = api.post("/api/sections", {"name": "Japan", "parent": "asia"})
    assert response.status_code == 400
    assert "give its path" in response.json()["detail"]
    assert api.post("/api/sections", {"name": "Japan", "parent": "sport/asia"}).status_code == 201


def test_create_section_needs_a_token(anon, db):
    assert anon.post("/api/sections", {"name": "Sport"}).status_code == 401
