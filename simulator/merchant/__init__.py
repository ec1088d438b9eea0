"""Acting as a merchant: signed calls to a sandbox's provider APIs, and the sample events
`psp-sandbox trigger` sends."""
