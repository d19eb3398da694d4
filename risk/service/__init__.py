"""What the API (and later the console) calls: account views, explanations, networks, labels."""
