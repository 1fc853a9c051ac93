"""A round's people: invitations and their links (`invitations`), contacts (`contacts`, `contact_files` from any
export), the messages sent to them (`mailings`); the people, invitations, contact file and messages pages
(`views`, `invitation_views`, `contact_file_views`, `message_views`), their forms and commands."""
