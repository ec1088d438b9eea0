"""psp-sandbox: a local, stateful simulator of payment providers' HTTP APIs."""
