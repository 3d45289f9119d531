"""The shared kernel every capability builds on: errors, the clock, the application
context and its units of work, money and text rules, names and phone numbers, coupon code
signing, messages, the store's calendar and SLA arithmetic (calendar), the store itself
(time zone, today, name, coupon secret), the settings and their keys, roles and
permissions, the audit trail, and in-transaction events.

Import the module you need (`from app.core import store`, `from app.core.errors import
ValidationError`); the kernel imports nothing from the capabilities above it."""
