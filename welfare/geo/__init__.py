"""Geography: the district's villages (里), below auth so that every domain may use it."""
