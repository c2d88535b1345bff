"""GraphQL for the fairs domain."""
