"""The small-grants fund (LES Fonds), one module per part; import the part you need (this package imports
nothing itself, so the expenditure register can use :mod:`.guards` without a cycle):

- :mod:`.common`: today's date, the action's state machine, its audit event, the fund's money;
- :mod:`.setup`: the fund of a project, its calls with weighted criteria;
- :mod:`.applications`: the public application's rules, the submission, the private status link;
- :mod:`.assessment`: declarations of interest, scores, the decision, questions to the applicant;
- :mod:`.public`: what the applicant does with the status link (answers, the final report), and the
  finance officer's revoking and renewing of that link;
- :mod:`.execution`: invoices of the managing partner, overrun decisions, carried out, closing;
- :mod:`.guards`: the rules the expenditure register applies to lines that pay for an action;
- :mod:`.queries`: what the pages read; :mod:`.register`: the register as plain data;
- :mod:`.history`: the fund's audit events in words.
"""
