"""A round's results: read into frames (`frames`), released and kept (`releases`), scored and compared (`scores`),
the report (`report`, with `commitments` and `open_answers`), the files (`exports`, `analyst`), what every reader
of a results page shares (`published`); the console's results pages (`views`, `open_answer_views`), forms and
commands."""
