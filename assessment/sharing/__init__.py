"""Share links: made, revoked and viewed (`sharing`); the console's page for them (`views`) and its form."""
