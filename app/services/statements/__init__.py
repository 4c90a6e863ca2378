"""Statements for people (claim statement, verification certificate, project financial report, audit-trail
extract): the data gathered from the database in :mod:`.claims`, :mod:`.project` and :mod:`.trail`, made
and audited in :mod:`.produce`, run in the background by :mod:`.jobs`; the builders live in reports/."""
