"""Thin views: parse the request, call one selector or service, render or redirect.

Every page of an organization goes through `selectors.organization_get` or
`selectors.assessment_get`, so anything outside the user's organizations is a 404.
"""
