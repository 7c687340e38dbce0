"""The catalogue's open API (/api/v1/, Django REST framework, described by drf-spectacular) and
its FHIR R4 view (/api/fhir/): anonymous, read-only, listed services only."""
