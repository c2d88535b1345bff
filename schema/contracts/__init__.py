"""GraphQL for the contracts domain."""
