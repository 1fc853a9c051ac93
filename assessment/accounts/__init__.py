"""Accounts and signing in: accounts and their grants (`accounts`), the second factor (`two_factor`,
`security_keys`), signing in and out (`signin`, `sso` through an agency's identity provider), the accounts pages
(`views`) and one's own account (`own_account`, which also guards every console page), their forms and commands."""
