"""The request journal: which HTTP requests acted on each payment, kept with card numbers masked."""
