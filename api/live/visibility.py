"""Who may learn which organization is behind an event.

Bids are private until the award (``api.bidding.queries.visible_bids``): an event about a
claim, a bid or a withdrawal names its organization only to those who may see that bid.
Awards, evaluations and payments are public acts and name it to everyone.
"""

from __future__ import annotations

from api.auth.models import Account, Role
from api.bidding.queries import ALL_BIDS_ROLES
from api.live.events import FairEvent


def sees_organization(account: Account | None, event: FairEvent) -> bool:
    if not event.sealed:
        return True
    if account is None:
        return False
    if account.role in ALL_BIDS_ROLES:
        return True
    if account.role is Role.PUBLISHER:
        return account.publisher_id == event.publisher_id
    return account.organization_id is not None and account.organization_id == event.organization_id
