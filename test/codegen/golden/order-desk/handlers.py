"""Your function tool handlers, for deployment ``order-desk``.

assistants-deploy codegen writes this file once and never overwrites it; when the
manifest gains a function tool, it appends a stub for it here. A handler receives the
call's arguments, typed from the tool's JSON Schema, and returns the text the model
reads (JSON is a good choice). An exception is reported to the model as an error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from . import tools


def lookup_order(args: tools.LookupOrderArgs) -> str:
    """Find an order by its number or the customer's email."""
    raise NotImplementedError("lookup_order: write this handler in handlers.py")


def issue_refund(args: tools.IssueRefundArgs) -> str:
    """Refund all or part of an order to the original payment method."""
    raise NotImplementedError("issue_refund: write this handler in handlers.py")


def track_shipment(args: tools.TrackShipmentArgs) -> str:
    """Current status and history of a parcel."""
    raise NotImplementedError("track_shipment: write this handler in handlers.py")
