"""Statements and files for people: plain data in, bytes out.

Nothing here knows Flask or the database: the web application gathers the data through its services and
hands it over as dataclasses of numbers, dates and labels; a builder returns the bytes of an XLSX, CSV or
PDF file. Formatting of amounts, percentages and dates for people lives in :mod:`reports.formatting`, the
one place both the statements and the web pages use.
"""
