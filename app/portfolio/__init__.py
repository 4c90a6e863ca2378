"""The portfolio overview (every project a user manages or audits) and a project's funding sources page."""
