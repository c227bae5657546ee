"""Building blocks every app shares; imports no app of ours."""
