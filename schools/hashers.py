"""How pupils' passwords (11+) are stored: PBKDF2 at a deliberately low cost.

Staff passwords keep Django's default hasher (PBKDF2 with 1,500,000 iterations in Django 6.1,
about 0.4 s per check on one core). That cost is right for a password a person chose and may
reuse elsewhere. It is wrong for pupils:

- a pupil's password is made by Streamwise (three short words and a number: about 17.6 million
  possibilities, roughly 24 bits) and is used nowhere else, so a stolen hash unlocks nothing
  beyond the Streamwise account itself, whose data the thief already holds if they hold the
  database;
- no hashing cost saves 24 bits from someone who has the database (at Django's cost a graphics
  card still gets through them in hours); what protects the pupil online is the per-pupil lock
  (STREAMWISE_PUPIL_LOGIN_MAX_FAILURES tries, counted atomically) and the per-address limits;
- at 9 a.m. a whole school signs in at once: 150 pupils at 0.4 s each is a minute of CPU on a
  2-core server, and picture-password pupils queue behind it.

So pupils' passwords use 20,000 iterations (about 5 ms a check): still salted and slow enough
that the stored value is not a plain password, and 80 times cheaper than the staff cost.
Picture passwords (729 sequences) are stored readable so cards can be reprinted; their defence
is the same lock. A pupil hash made before this hasher existed (Django's default) still checks.
"""

from django.contrib.auth.hashers import PBKDF2PasswordHasher, check_password
from django.utils.crypto import constant_time_compare

PUPIL_PASSWORD_ITERATIONS = 20_000


class PupilPasswordHasher(PBKDF2PasswordHasher):
    algorithm = "pupil_pbkdf2_sha256"
    iterations = PUPIL_PASSWORD_ITERATIONS


_HASHER = PupilPasswordHasher()


def pupil_password_make(raw: str) -> str:
    return _HASHER.encode(raw, _HASHER.salt())


def pupil_password_check(raw: str, encoded: str) -> bool:
    """Check without needing the hasher in PASSWORD_HASHERS (the apps install into any site)."""
    if encoded.startswith(f"{PupilPasswordHasher.algorithm}$"):
        algorithm, iterations, salt, _hash = encoded.split("$", 3)
        expected = _HASHER.encode(raw, salt, int(iterations))
        return constant_time_compare(expected, encoded)
    return check_password(raw, encoded)
