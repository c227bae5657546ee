"""State changes of case records and money: plain functions, one transaction each.

Every function checks the programme's rules and raises ``ValidationError`` with an Italian message
(module constants, reused by the tests) when a rule forbids the change; nothing is half-saved.
Views, imports, tasks and tests all call these.
"""

# --- Referrals and pathways --------------------------------------------------------------------

# --- Money: vouchers, budgets, team-meeting decisions ------------------------------------------

# --- Matching: placing a person at a position --------------------------------------------------
