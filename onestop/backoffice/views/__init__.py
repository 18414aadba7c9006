"""Staff pages, one module per area. Thin: parse input, call one service or selector, render.

Every state change posts, carries the version of the row it was shown, and ends in
POST/redirect/GET. A DomainError changes nothing: the page is shown again with the
service's message and the typed input, answered with the error's HTTP status.
"""
