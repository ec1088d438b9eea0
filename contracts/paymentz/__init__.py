"""Contract suites for Paymentz transactionServices REST v1."""
