"""Administration of projects in the browser: the project and its reporting periods, partners, budgets (form
and XLSX upload), flat rates, the roles of users per project, and project modifications (budget versions).

Every function checks the permission (app/permissions.py ``can_administer``), leaves the rules themselves to
the one place each rule lives (app/services/setup.py for what the demo seed uses too, app/services/budget.py
for a budget line), writes one audit event with before and after, flushes and never commits."""
