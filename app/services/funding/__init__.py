"""A project's own funding sources and rates (:mod:`.sources`), their events in words (:mod:`.history`)
and the portfolio overview of every project a user manages or audits (:mod:`.portfolio`)."""
