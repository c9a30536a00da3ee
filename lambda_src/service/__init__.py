"""Items service runtime: an HTTP JSON API on DynamoDB behind API Gateway (REST proxy).

Layers, outermost first: ``handler`` (Lambda entry, settings, environment, access log),
``api`` (routes and HTTP parsing), ``logic`` (plain Python rules), ``adapters`` (AWS calls behind
the ``ports`` interfaces). Only ``handler``, ``runtime`` and ``adapters`` know AWS exists.

HTTP contract (every body is JSON; every error is ``{"error": code, "message": ..., ...}``):

- ``GET /health`` -> 200 ``{"status": "ok", "service": ..., "environment": ...}``
- ``POST /items`` with ``{"data": {...}}`` -> 201 item. Optional ``Idempotency-Key`` header
  (1-255 printable ASCII): a retry with the same key and body returns the same item (201,
  ``Idempotent-Replayed: true``); the same key with another body -> 422.
- ``GET /items/{id}`` -> 200 item, 404 if missing.
- ``PUT /items/{id}`` with ``{"version": N, "data": {...}}`` where N is the version the client
  last read -> 200 item at N+1; 409 ``{"current_version": M}`` if the item moved on.
- ``DELETE /items/{id}`` -> 204, 404 if missing.
- ``GET /items?limit=1..100&cursor=...`` -> 200 ``{"items": [...], "next_cursor": str|null}``.

Writes need the environment's API key in ``x-api-key``. An item is
``{"id", "data", "version", "created_at", "updated_at"}``.
"""
