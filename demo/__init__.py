"""Demo data for a local portal: people for every role and dossiers in every state, made through
the same services a person would use (`manage.py seed_demo`). It composes every app, and no app
imports it."""
