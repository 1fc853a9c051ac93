"""The readiness report (PDF) and the figures it shares with the console."""
