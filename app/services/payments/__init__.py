"""Payment requests to the programme, the EFRO payment received by the lead partner, and its transfer of
each partner's share: the actions (:mod:`.actions`) and what the pages read, scoped (:mod:`.queries`)."""
from .actions import (
    PartnerShare,
    create_request,
    record_received,
    record_transfer,
    retention_until,
    shares,
)
from .queries import RequestRow, RequestView, certified_unrequested, request_or_404, request_rows, request_view

__all__ = ["PartnerShare", "RequestRow", "RequestView", "certified_unrequested", "create_request",
           "record_received", "record_transfer", "request_or_404", "request_rows", "request_view",
           "retention_until", "shares"]
