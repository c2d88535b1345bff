"""GraphQL for the audit domain."""
