"""States: jurisdictions grouped by state and compared from what each publishes (`states`, with the pure figures
in `scoring.state`); the state coordinators' page and a county's view of its state (`views`), the form a county
shares with, and the commands."""
