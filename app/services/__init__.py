"""Every change of state: one function per business action.

Each checks permission and rules, writes its audit event in the same transaction and flushes; the request
or CLI command commits once at the end.
"""
