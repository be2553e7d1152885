"""A real TMDB (or another filmshelf) as an optional read-through upstream for catalog reads.

Off unless `FILMSHELF_UPSTREAM_URL` (with `FILMSHELF_UPSTREAM_TOKEN`) or
`FILMSHELF_UPSTREAM_MODE=offline` is set; then nothing here is even constructed.

* `rules.py`  pure rules: which paths and query parameters may go upstream, the cache key,
  freshness, `Retry-After`. Tested without a server.
* `client.py` the one HTTP client (httpx): filmshelf's own token, timeouts, a bounded pool.
* `cache.py`  the read-through store: answer from the store while fresh, fetch once per key
  (single flight), back off on 429, serve stale answers when the upstream fails, upsert fetched
  titles into the local catalog (through `catalog.importer`'s row mapping).

`api/upstream.py` is the ASGI seam that asks the local routes first; `storage/upstream.py` holds
the SQL. See README "Upstream mode" and docs/wire-decisions.md "Upstream".
"""
