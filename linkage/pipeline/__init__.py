"""Workflows that string the steps together: read, build, analyze, return a results object."""
