"""Every write to ads. The reservation rule lives here:

For each merchant and asset, the spendable balance of the merchant's ad-reserve ledger account
equals the sum of `remaining_quantity` over their online sell ads. Going online reserves the
remainder from the available balance, going offline or closing returns it, editing the total
moves the difference, and an order freezes its amount from the reservation (the ad's remainder
drops by the same amount). Every change locks the ad row first, then the ledger accounts.

Orders (a higher layer) keep the rule with `ad_take` and `ad_give_back`:

- opening an order on a sell ad: `ad_take` (the remainder drops by the amount) and, in the same
  transaction, a hold of that amount from the ad-reserve account to the buyer;
- releasing it: post the hold; the ad is not touched (the crypto was sold);
- canceling it: void the hold (the amount is spendable in the ad-reserve account again), then
  `ad_give_back`, which raises the remainder and, when the ad no longer reserves (offline,
  closed), moves the amount on to the available balance.

Buy ads move no crypto of the merchant's: take and give back only change the remainder.
"""

from .editing import ad_create, ad_update, new_public_id
from .errors import AdError, AdInvalid, AdNotFound, NotAMerchant
from .reservation import (
    ad_close,
    ad_go_offline,
    ad_go_online,
    ad_set_total_quantity,
    reserved_amount,
)
from .staff import ads_take_offline_for_user
from .taking import ad_give_back, ad_take
from .validation import (
    AUTO_REPLY_MAX,
    MARGIN_PLACES,
    MAX_ACCOUNT_AGE_DAYS,
    MAX_COMPLETED_ORDERS,
    MAX_FIAT,
    MAX_PAYMENT_CHOICES,
    MAX_PRICE,
    PRICE_PLACES,
    TERMS_MAX,
)

__all__ = [
    "AUTO_REPLY_MAX",
    "MARGIN_PLACES",
    "MAX_ACCOUNT_AGE_DAYS",
    "MAX_COMPLETED_ORDERS",
    "MAX_FIAT",
    "MAX_PAYMENT_CHOICES",
    "MAX_PRICE",
    "PRICE_PLACES",
    "TERMS_MAX",
    "AdError",
    "AdInvalid",
    "AdNotFound",
    "NotAMerchant",
    "ad_close",
    "ad_create",
    "ad_give_back",
    "ad_go_offline",
    "ad_go_online",
    "ad_set_total_quantity",
    "ad_take",
    "ad_update",
    "ads_take_offline_for_user",
    "new_public_id",
    "reserved_amount",
]
