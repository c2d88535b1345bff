"""The GraphQL schema of the fair: types, resolvers and dataloaders, domain by domain."""
