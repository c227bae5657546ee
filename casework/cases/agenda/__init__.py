"""The desk's agenda: first access by appointment after the social service's referral
(Allegato D: "un primo accesso su appuntamento, a seguito di segnalazione"), within the intake
deadline. Models, services, selectors, screens, the operator's calendar feed and the person's
appointment letter."""
