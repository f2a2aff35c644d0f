"""The built-in specs (importing this package registers them): the four databases of issue #5.

人力资源供给库 residents, 创新创业人才库 talents (with projects), 企业用工需求库 enterprises (with sites) and
vacancies, 稳岗就业政策库 policies.
"""

from registry.intake.specs import enterprises, policies, residents, talents, vacancies

BUILT_IN = (residents.SPEC, talents.SPEC, enterprises.SPEC, vacancies.SPEC, policies.SPEC)
