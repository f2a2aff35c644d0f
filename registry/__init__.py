"""The four databases: labour supply, talents, enterprises and vacancies, policies."""
