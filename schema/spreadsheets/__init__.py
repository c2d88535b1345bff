"""GraphQL for spreadsheets: importing a project list file."""
