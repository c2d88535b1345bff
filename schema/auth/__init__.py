"""GraphQL for the auth domain."""
