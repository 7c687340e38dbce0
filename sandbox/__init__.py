"""The data-exchange sandbox: what Mon espace santé would answer to an editor's OAuth2 and FHIR
calls."""
