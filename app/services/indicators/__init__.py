"""A project's indicators: defining them with their targets and partners (setup.py), partners reporting
achieved values with evidence and finance officers accepting or returning them (reporting.py), and the
progress per period and cumulative, fed by accepted reports and by the small-grants fund (progress.py)."""
