"""The OpenAPI schema and the docs page."""

from __future__ import annotations

import json

from newsdesk.engagement.api import router as engagement_router

TABLE = {
    "/api/sections": {"get", "post"},
    "/api/stories": {"get", "post"},
    "/api/stories/{story_id}": {"get", "patch"},
    "/api/stories/{story_id}/entries": {"get", "post"},
    "/api/stories/{story_id}/entries/{entry_id}": {"get", "patch", "delete"},
    "/api/stories/{story_id}/key-points": {"put"},
    "/api/stories/{story_id}/events": {"get"},
}


def _schema(anon) -> dict:
    response = anon.get("/api/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def test_schema_is_valid_json_listing_every_call_of_the_table(anon, db):
    schema = _schema(anon)
    assert schema["openapi"].startswith("3.")
    for path, methods in TABLE.items():
        assert path in schema["paths"], path
        assert methods <= set(schema["paths"][path]), (path, set(schema["paths"][path]))


def test_schema_lists_the_engagement_calls_under_api(anon, db):
    paths = _schema(anon)["paths"]
    for path, view in engagement_router.path_operations.items():
        full = "/api/" + path.lstrip("/")
        assert full in paths
        assert {m.lower() for op in view.operations for m in op.methods} <= set(paths[full])


def test_schema_declares_bearer_auth_and_error_shape(anon, db):
    schema = _schema(anon)
    schemes = schema["components"]["securitySchemes"]
    assert {s["scheme"] for s in schemes.values()} == {"bearer"}
    create = schema["paths"]["/api/stories/{story_id}/entries"]["post"]
    assert create["security"]
    assert "409" in create["responses"]
    error = schema["components"]["schemas"]["ErrorOut"]
    assert set(error["properties"]) == {"error", "detail"}


def test_key_points_body_documents_both_accepted_forms(anon, db):
    put = _schema(anon)["paths"]["/api/stories/{story_id}/key-points"]["put"]
    forms = put["requestBody"]["content"]["application/json"]["schema"]["oneOf"]
    assert {f.get("type", "object") for f in forms} == {"array", "object"}


def test_docs_page_is_served(anon, db):
    response = anon.get("/api/docs")
    assert response.status_code == 200
    assert b"/api/openapi.json" in response.content
    # Bundled Swagger UI: the docs work on a newsroom network without internet access.
    assert b"cdn.jsdelivr" not in response.content
    assert b"/static/ninja/swagger-ui-bundle.js" in response.content


def test_docs_assets_are_served(anon, db):
    response = anon.client.get("/static/ninja/swagger-ui-bundle.js")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"SwaggerUI" in body


def test_every_schema_reference_resolves(anon, db):
    schema = _schema(anon)
    refs: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                refs.append(node["$ref"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema["paths"])
    walk(schema["components"])
    assert refs
    for ref in refs:
        assert ref.startswith("#/components/schemas/")
        assert ref.rsplit("/", 1)[1] in schema["components"]["schemas"], ref
