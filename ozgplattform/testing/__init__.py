"""Testing helpers shared by the apps' tests (factories, fixtures)."""
