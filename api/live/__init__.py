"""Live fair activity: events announced after their transaction commits, fanned out to
every worker's subscribers through a broker."""
