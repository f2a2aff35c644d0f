"""The built-in specs, one module per database (listed in registry/intake/catalog.py): the four databases of #5.

人力资源供给库 residents, 创新创业人才库 talents (with projects), 企业用工需求库 enterprises (with sites) and
vacancies, 稳岗就业政策库 policies.
"""
