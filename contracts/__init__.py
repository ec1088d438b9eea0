"""Property-based contract tests that check any implementation of the providers' APIs."""
