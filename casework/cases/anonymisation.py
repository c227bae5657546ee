"""What other areas answer when a person is anonymised.

Privacy owns anonymisation, but some areas keep files about the person that privacy may not
import (areas on its own layer, e.g. the generated papers). Each registers
``hooks.register(PERSON_ANONYMISED_HOOK, fn)``; ``fn(*, person, pathways)`` runs inside the
anonymisation's transaction and removes what it keeps about those pathways."""

PERSON_ANONYMISED_HOOK = "casework_person_anonymised"
