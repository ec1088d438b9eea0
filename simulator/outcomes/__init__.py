"""What happens to a payment: magic values, queued outcomes and generated processor details."""
