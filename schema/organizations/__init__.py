"""GraphQL for the organizations domain."""
