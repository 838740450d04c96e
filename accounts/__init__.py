"""Users, profiles, KYC levels, fund passwords, payment methods and restrictions."""
