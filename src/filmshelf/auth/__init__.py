"""Rules for apps, request tokens, access tokens, scopes and revocation."""
