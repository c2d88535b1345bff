"""GraphQL for the places domain."""
