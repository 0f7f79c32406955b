"""One module per kind of problem; each check is a function of the period's data that yields `Found`."""
