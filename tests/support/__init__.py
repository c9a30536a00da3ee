"""Helpers shared by the infrastructure, snapshot and compliance tests."""
