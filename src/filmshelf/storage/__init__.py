"""Everything SQL lives here: tables, engines, migrations and the query functions per concept."""
