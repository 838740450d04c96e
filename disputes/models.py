"""Models arrive with this domain's features; the app is installed so its migrations run."""
