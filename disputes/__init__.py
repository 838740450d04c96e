"""Appeals, evidence and staff arbitration."""
