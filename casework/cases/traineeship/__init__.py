"""Traineeship (tirocinio) rules per edition: allowance, attendance, duration, trainees per host."""
