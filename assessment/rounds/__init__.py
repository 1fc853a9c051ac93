"""A round's life: created, edited, opened, closed, reopened, carried forward (`rounds`) and the schedule the
app's clock carries out (`schedule`); the round's page and its settings page (`views`, `settings_views`), their
forms and commands."""
