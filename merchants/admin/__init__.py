"""Staff screens of the merchant program.

- Requirements: one row, edited in place (no add once it exists, never deleted).
- Tiers with their limits per fiat currency.
- Applications: read-only records with the applicant's KYC level, account age and 2FA beside
  them; Approve / Reject (with a mandatory reason) buttons lead to confirmation pages
  (core/review_admin.py).
- Merchants: read-only, with Suspend / Reactivate / Revoke actions that ask for a reason.

Every decision goes through the same services as the pages (merchants/services).
"""

from . import applications, merchants, program

__all__ = ["applications", "merchants", "program"]
