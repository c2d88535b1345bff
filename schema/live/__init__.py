"""Live fair activity over GraphQL subscriptions."""
