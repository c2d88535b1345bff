"""GraphQL for the projects domain."""
