"""Role grants: who becomes staff, superuser or a member of a staff role (riskadmin/roles.py),
proposed by one Superadmin and applied when another approves (four eyes, core/four_eyes.py).
Removing a role applies at once, by one person: taking a power away needs no second pair of
eyes, and waiting would leave it with someone who should no longer hold it."""
