"""The forms of the accounts pages. They parse and label what a person typed; every rule is
checked again by the services, whose refusals the views put on the form.

- `fund_password`: setting, changing and resetting the fund password;
- `kyc`: the identity verification levels, and the staff's rejection;
- `payment_methods`: a saved payment method, its fields drawn from the type;
- `profiles`: the nickname, the language and time zone.
"""

from .fund_password import FundPasswordChangeForm, FundPasswordResetConfirmForm, FundPasswordSetForm
from .kyc import KycLevel1Form, KycLevel2Form, KycRejectForm
from .payment_methods import DETAIL_PREFIX, PaymentMethodForm
from .profiles import NicknameForm, PreferencesForm

__all__ = [
    "DETAIL_PREFIX",
    "FundPasswordChangeForm",
    "FundPasswordResetConfirmForm",
    "FundPasswordSetForm",
    "KycLevel1Form",
    "KycLevel2Form",
    "KycRejectForm",
    "NicknameForm",
    "PaymentMethodForm",
    "PreferencesForm",
]
