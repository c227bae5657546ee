"""Reports and review meetings on a pathway ("report e incontri di verifica", Allegato D): who took
part, the minutes, when the next meeting is due; the first one ticks the checklist's ``reports``."""
