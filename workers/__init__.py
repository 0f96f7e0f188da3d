"""Dramatiq broker set-up, actors, middleware, and the feed runners."""
