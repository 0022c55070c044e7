"""The REST API for consultants' own tools: read clients' cycles and results, work the plan."""
