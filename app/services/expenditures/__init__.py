"""Expenditures: the rules a line must meet (:mod:`.rules`, shared by the form and the import), the
register's actions (:mod:`.register`), possible double financing (:mod:`.duplicates`) and what the pages
read (:mod:`.queries`)."""
from .duplicates import Duplicate, duplicates_of
from .queries import ExpenditureList, ExpenditurePage, expenditure_list, expenditure_or_404, expenditure_page
from .register import correct, create, locking_claim, update, withdraw
from .rules import FIELDS, ExpenditureData, InvalidExpenditure, ProjectLookups, budget_warning, validate

__all__ = ["FIELDS", "Duplicate", "ExpenditureData", "InvalidExpenditure", "ProjectLookups", "budget_warning",
           "ExpenditureList", "ExpenditurePage", "correct", "create", "expenditure_list", "expenditure_or_404",
           "expenditure_page", "duplicates_of", "locking_claim", "update", "validate", "withdraw"]
