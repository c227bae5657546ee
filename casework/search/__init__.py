"""The admin search across people, referrals, host organisations and positions ("Cerca")."""
