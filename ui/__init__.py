"""Qt user interface: widgets and Qt models only; every rule lives in app/."""
