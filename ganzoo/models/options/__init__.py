"""Options every noise-to-data family can switch on in its [model] table, one module each.
`AdversarialModel` calls them where they act; each is tested on its own (tests/test_options.py)
as well as through the families."""
