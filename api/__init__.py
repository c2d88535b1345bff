"""sheqia — the domain and the web application of the community service project fair."""
