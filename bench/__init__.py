"""Benchmarks: scripts that print speed, memory and load figures (not tests). The jurisdiction they all build."""

#: Twelve agencies; sectors repeat where a county has two of a kind (two police forces, two treatment providers).
AGENCIES = 12
SECTORS = ["community_supervision", "treatment", "victim_advocacy", "law_enforcement", "prosecution", "judiciary",
           "defense", "institutional_corrections", "policymaker", "other", "law_enforcement", "treatment"]
ROLES = ["line_staff", "supervisor", "executive"]
