"""GraphQL for the supervisors domain."""
