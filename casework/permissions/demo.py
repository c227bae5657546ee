"""Demo staff accounts, one per role (social workers of two different Comuni)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from network.models import Comune

from .models import StaffProfile
from .roles import AGENCY_OPERATOR, PROGRAMME_MANAGER, SOCIAL_WORKER

DEMO_PASSWORD = "ZeroOttanta-demo-2016"


# Every password the demo has ever given its accounts: published, so an account still holding
# one proves nothing about who signs in with it (``accounts.SetupView`` refuses those).
DEMO_PASSWORDS = (DEMO_PASSWORD,)


def has_demo_password(user):
    return any(user.check_password(password) for password in DEMO_PASSWORDS)


DEMO_USERS = [
    ("admin", "Amministratore", "Sistema", None, []),
    # username, first name, last name, role, Comuni (ISTAT codes)
    ("pal", "Paola", "Bertoli", PROGRAMME_MANAGER, []),
    ("agenzia", "Andrea", "Ferraglio", AGENCY_OPERATOR, []),
    ("sociale.lumezzane", "Laura", "Zanetti", SOCIAL_WORKER, ["017096"]),
    ("sociale.sarezzo", "Silvia", "Gatta", SOCIAL_WORKER, ["017174"]),
]


def load_users(context):
    User = get_user_model()
    for username, first, last, role, istat_codes in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.it"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        if role is None:
            # The site administrator edits public pages and settings; not a casework role.
            user.is_superuser = user.is_staff = True
            user.save(update_fields=["is_superuser", "is_staff"])
            role = "Amministratore del sito"
        else:
            user.groups.set([Group.objects.get(name=role)])
        profile, _ = StaffProfile.objects.get_or_create(user=user)
        profile.comuni.set(Comune.objects.filter(istat_code__in=istat_codes))
        context["logins"].append((username, DEMO_PASSWORD, role))
    context["stdout"].write(f"  utenti demo: {len(DEMO_USERS)}")
