"""The demo plan's indicators, each found again by its id.

Official statistics (STRAF11) end with 2022K2, so the statistics indicators measure 2022, the
newest figures, against 2021 (the first half of each year, as that is what 2022 has). The
døgnrapport extract is from July 2026, so the moped indicator measures 2026 against 2025.
The guarantee's demo cases are made up for the year the demo is loaded in
(tryghed/guarantees/demo.py), so its indicator measures that year (`this_year`), at least 95 %
met, against the year before, which has no cases in the demo.
"""

INDICATORS = [
    {
        "id": "MVSJ-2023-IND-EJENDOM",
        "area": "forebyggelse-af-indbrud",
        "title": "Ejendomsforbrydelser pr. 1.000 indbyggere i politikredsen",
        "title_en": "Offences against property per 1,000 inhabitants in the police district",
        "kind": "statistics",
        "table": "STRAF11",
        "series": "Ejendomsforbrydelser i alt",
        "measure": "rate",
        "baseline_year": 2021,
        "current_year": 2022,
        "target_percent": "10",
        "direction": "decrease",
    },
    {
        "id": "MVSJ-2023-IND-VOLD",
        "area": "kriminalitetsforebyggelse",
        "title": "Anmeldte voldsforbrydelser i politikredsen",
        "title_en": "Reported crimes of violence in the police district",
        "kind": "statistics",
        "table": "STRAF11",
        "series": "Voldsforbrydelser i alt",
        "measure": "count",
        "baseline_year": 2021,
        "current_year": 2022,
        "target_percent": "5",
        "direction": "decrease",
    },
    {
        "id": "MVSJ-2023-IND-KNALLERT",
        "initiative": "MVSJ-2023-TRAFIK-03",
        "title": "Knallertkørsel til gene i Greve (døgnrapporten)",
        "title_en": "Moped nuisance in Greve (daily police report)",
        "kind": "incidents",
        "categories": ["moped_nuisance"],
        "municipality": "0253",
        "measure": "count",
        "baseline_year": 2025,
        "current_year": 2026,
        "target_percent": "10",
        "direction": "decrease",
    },
    {
        "id": "MVSJ-2023-IND-GARANTI-INDBRUD",
        "initiative": "MVSJ-2023-INDBRUD-05",
        "title": "Politiet på stedet inden for 24 timer efter anmeldt indbrud",
        "title_en": "Police on site within 24 hours of a reported burglary",
        "kind": "compliance",
        "guarantee": "indbrud-i-private-hjem",
        "measure": "count",
        "this_year": True,
        "target_percent": "95",
        "direction": "at_least",
    },
]
