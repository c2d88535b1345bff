"""GraphQL for the bidding domain."""
