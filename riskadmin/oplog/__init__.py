"""The operation log: every write to the records staff change, captured by PostgreSQL
triggers (django-pghistory) into append-only event tables, with who, from where and on which
page; plus the staff actions that carry a reason or are reads worth recording (a KYC document
viewed, the log exported)."""
