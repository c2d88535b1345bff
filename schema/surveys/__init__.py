"""GraphQL of the residents' satisfaction surveys."""
