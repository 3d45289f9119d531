"""The member desk: lookup, profile, visits."""
