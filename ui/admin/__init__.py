"""The owner's administration: staff, the audit trail, backups."""
