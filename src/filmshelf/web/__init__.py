"""HTML pages: sign-in, approval of request tokens, sign-out."""
