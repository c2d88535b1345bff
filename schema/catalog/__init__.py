"""GraphQL for the catalog domain."""
