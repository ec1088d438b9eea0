"""pytest fixtures for psp-sandbox users: placeholder until the plugin lands."""
