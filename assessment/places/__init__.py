"""Jurisdictions and their agencies: the service (`jurisdictions`), the console's front page and a jurisdiction's
page (`views`), their forms and commands."""
