"""Domain and services of Frontdesk. Never imports Qt."""
