"""The built-in specs (importing this package registers them): residents, enterprises, vacancies.

Talents and policies get their own modules here, registered the same way.
"""

from registry.intake.specs import enterprises, residents, vacancies

BUILT_IN = (residents.SPEC, enterprises.SPEC, vacancies.SPEC)
