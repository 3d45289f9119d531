"""Complaints: log, follow the SLA countdowns, act on each step."""
