"""Import and export of a user's data: Letterboxd, IMDb, Trakt and TMDB files (docs/import-export.md).

* `model`: what a file says (entries with title references, lists) and what an export holds;
* `scales`: the rating scales and their conversion rule;
* `files`: reading uploaded files and archives, recognising each format from its content;
* `letterboxd`, `imdb`, `trakt`, `tmdb`: one strict parser and one renderer per format (pure);
* `matching`: file titles to catalog ids (TMDB id, then IMDb id, then title + year);
* `service`: the import plan applied in the caller's one write transaction, and the export read.

Parsers and renderers are pure (stdlib csv / json / zipfile); only `matching` and `service` touch
the database, through `storage` and the domain functions of `lists` and `accounts`.
"""
