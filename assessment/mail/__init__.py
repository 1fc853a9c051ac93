"""Email: checking addresses, writing a round's messages from its templates, and handing them to a mail server.

Nothing here touches the database: `people.contacts` and `people.mailings` read and record, and call these.
Messages are built with the standard library's `email` package and sent with its `smtplib`: both are complete
(STARTTLS, implicit TLS, login, MIME alternatives, RFC 2047 headers) and need no extension, and `smtplib` lets the
sender record a message as being sent at the one moment that matters, just before its content goes to the server
(see `transport.SmtpTransport.send`), which a mail extension's one-call send hides.
"""
