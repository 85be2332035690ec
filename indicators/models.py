"""Target indicators, their targets and reported values."""
