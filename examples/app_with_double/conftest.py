"""movienight's tests need no fixture of their own: `tmdb_double` comes from filmshelf's pytest plugin.

(This file only puts this folder on sys.path, so the tests import `movienight` as the app does.)
"""
