"""The bottom package: no models, no Django apps; every app may import it, it imports nothing of the project.

Holds the error family (`core.errors`) and the locator of the shared test data (`core.testdata`).
"""
